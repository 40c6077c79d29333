import type { NDArray } from '../ir/ndarray.js';
import { apply1 } from '../ir/op.js';
import { logSumExp, RowwiseOp } from './softmax.js';
import type { Variable } from '../ir/variable.js';
import { dimshuffle } from './dimshuffle.js';
import { exp } from './elemwise/exp.js';
import { mul } from './elemwise/mul.js';
import { sub } from './elemwise/sub.js';
import { sum } from './sum.js';
import { neg } from './elemwise/neg.js';
import { isKnownZero } from './known-zero.js';
import { isRowRangeOf } from './crossentropy-1hot.js';
import { crossentropySoftmax1HotDx } from './crossentropy-1hot-dx.js';

/**
 * log(softmax(x)) along the last axis, computed as x - max - log(sum(exp(x - max))): finite for any finite
 * logits, where log of an underflowed softmax gives -Inf. Gradient: gz - sum(gz) * softmax(x).
 */
export class LogSoftmax extends RowwiseOp {
  readonly name = 'logSoftmax';

  perform([x]: readonly NDArray[], [out]: NDArray[]): void {
    const [rows, cols] = this.rowsOf(x!);
    const src = x!.data;
    const o = out!.data;
    for (let r = 0; r < rows; r++) {
      const base = r * cols;
      const lse = logSumExp(src, base, cols);
      for (let j = 0; j < cols; j++) o[base + j] = src[base + j]! - lse;
    }
  }

  grad([x]: readonly Variable[], [out]: readonly Variable[], [gz]: readonly Variable[]): (Variable | null)[] {
    const picked = oneHotPick(gz!);
    // The cross-entropy idiom's gradient arrives as values scattered one per row into zeros: one fused kernel.
    if (x!.ndim === 2 && picked) return [crossentropySoftmax1HotDx(neg(picked.values), x!, picked.labels)];
    const total = sum(gz!, x!.ndim - 1);
    const expanded = x!.ndim === 2 ? dimshuffle(total, [0, 'x']) : total;
    return [sub(gz!, mul(expanded, exp(out!)))];
  }
}

/** gz = advancedIncSubtensor(zeros, values, [arange(0, labels.shape[0], 1), labels]): one value per labelled row. */
function oneHotPick(gz: Variable): { values: Variable; labels: Variable } | undefined {
  const node = gz.owner;
  if (!node || node.op.name !== 'advancedIncSubtensor' || node.inputs.length !== 4) return undefined;
  const [base, values, rows, labels] = node.inputs as [Variable, Variable, Variable, Variable];
  if (!isKnownZero(base) || values.ndim !== 1 || !isRowRangeOf(rows, labels)) return undefined;
  return { values, labels };
}

const logSoftmaxOp = new LogSoftmax();

export function logSoftmax(x: Variable): Variable {
  return apply1(logSoftmaxOp, [x]);
}
