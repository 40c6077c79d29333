import { isFloat } from '../ir/dtype.js';
import type { NDArray } from '../ir/ndarray.js';
import { apply1, type Op } from '../ir/op.js';
import { constant } from '../ir/constant.js';
import type { TensorType } from '../ir/type.js';
import type { Apply, Variable } from '../ir/variable.js';
import { TypeMismatchError } from '../util/errors.js';
import { advancedIncSubtensor } from './advanced-inc-subtensor.js';
import { advancedSubtensor } from './advanced-subtensor.js';
import { arange } from './arange.js';
import { checkLabels, label } from './crossentropy-1hot.js';
import { dimshuffle } from './dimshuffle.js';
import { mul } from './elemwise/mul.js';
import { sub } from './elemwise/sub.js';
import { zerosLike } from './grad-helpers.js';
import { shapeOf } from './shape.js';
import { softmax } from './softmax.js';
import { sum } from './sum.js';
import { sumTo } from './sum-to.js';

/**
 * The gradient of crossentropySoftmax1Hot with respect to the logits: dx[i] = g[i] * (softmax(x[i]) - onehot(y[i]))
 * for the labelled rows, 0 for the rest. One pass over x, where the composed graph scatters into zeros and runs
 * the log-softmax gradient. g may be a length-1 vector that broadcasts over the labels.
 */
export class CrossentropySoftmax1HotDx implements Op {
  readonly name = 'crossentropySoftmax1HotDx';

  inferTypes([g, x, y]: readonly Variable[]): TensorType[] {
    if (g!.ndim !== 1 || !isFloat(g!.dtype)) throw new TypeMismatchError(`${this.name}: the output gradient must be a float vector; got ${g!.describe()}`);
    if (x!.ndim !== 2 || !isFloat(x!.dtype) || y!.ndim !== 1)
      throw new TypeMismatchError(`${this.name}: takes a float matrix and an int vector; got ${x!.describe()} and ${y!.describe()}`);
    return [x!.type];
  }

  outputShapes([, x]: readonly NDArray[]): number[][] {
    return [x!.shape.slice()];
  }

  perform([g, x, y]: readonly NDArray[], [out]: NDArray[], node: Apply): void {
    const [rows, cols] = checkLabels(x!, y!, node);
    const src = x!.data;
    const gd = g!.data;
    const gStep = g!.size === 1 ? 0 : 1;
    const o = out!.data;
    o.fill(0);
    for (let r = 0; r < rows; r++) {
      const base = r * cols;
      let m = -Infinity;
      for (let j = 0; j < cols; j++) m = Math.max(m, src[base + j]!);
      let s = 0;
      for (let j = 0; j < cols; j++) s += o[base + j] = Math.exp(src[base + j]! - m);
      const scale = gd[r * gStep]! / s;
      for (let j = 0; j < cols; j++) o[base + j] = o[base + j]! * scale;
      o[base + label(y!, r, cols)] -= gd[r * gStep]!;
    }
  }

  /** Built from other ops so that second derivatives (Hessians, R-ops) go through. */
  grad([g, x, y]: readonly Variable[], _o: readonly Variable[], [gdx]: readonly Variable[]): (Variable | null)[] {
    const sm = softmax(x!);
    const labelled = arange(constant(0, 'int32'), shapeOf(y!, 0), constant(1, 'int32'));
    // d/dg[i] = sum_j gdx[i,j] * (sm[i,j] - onehot[i,j]), for the labelled rows.
    const perLabel = sub(advancedSubtensor(sum(mul(gdx!, sm), 1), [labelled]), advancedSubtensor(gdx!, [labelled, y!]));
    // d/dx: the softmax Jacobian applied to gdx scaled by g (g padded with zeros over unlabelled rows).
    const gRows = advancedIncSubtensor(zerosLike(sum(x!, 1)), g!, [labelled]);
    const w = mul(gdx!, dimshuffle(gRows, [0, 'x']));
    const gx = mul(sub(w, dimshuffle(sum(mul(w, sm), 1), [0, 'x'])), sm);
    return [sumTo(perLabel, g!), gx, null];
  }

  toString(): string {
    return this.name;
  }
}

const op = new CrossentropySoftmax1HotDx();

export function crossentropySoftmax1HotDx(g: Variable, x: Variable, y: Variable): Variable {
  return apply1(op, [g, x, y]);
}
