import { isFloat, isInteger } from '../ir/dtype.js';
import type { NDArray } from '../ir/ndarray.js';
import { apply1, type Op } from '../ir/op.js';
import { TensorType } from '../ir/type.js';
import { Constant, type Apply, type Variable } from '../ir/variable.js';
import { IndexError, TypeMismatchError } from '../util/errors.js';
import { crossentropySoftmax1HotDx } from './crossentropy-1hot-dx.js';
import { logSumExp } from './softmax.js';

/**
 * nll[i] = -log(softmax(x)[i, y[i]]) for the first len(y) rows of x, computed as logsumexp(x[i]) - x[i, y[i]]:
 * finite for any finite logits. What `-log(softmax(x)).get(arange(y.shape(0)), y)` means, in one pass; the
 * stabilize phase rewrites that graph to this op. Labels may be negative (counted from the end, as indexing).
 */
export class CrossentropySoftmax1Hot implements Op {
  readonly name = 'crossentropySoftmax1Hot';

  inferTypes([x, y]: readonly Variable[]): TensorType[] {
    if (x!.ndim !== 2 || !isFloat(x!.dtype)) throw new TypeMismatchError(`${this.name}: the logits must be a float matrix; got ${x!.describe()}`);
    if (y!.ndim !== 1 || !isInteger(y!.dtype)) throw new TypeMismatchError(`${this.name}: the labels must be an int vector; got ${y!.describe()}`);
    return [new TensorType(x!.dtype, [y!.type.shape[0]!])];
  }

  outputShapes([, y]: readonly NDArray[]): number[][] {
    return [[y!.shape[0]!]];
  }

  perform([x, y]: readonly NDArray[], [out]: NDArray[], node: Apply): void {
    const [rows, cols] = checkLabels(x!, y!, node);
    const src = x!.data;
    const o = out!.data;
    for (let r = 0; r < rows; r++) o[r] = logSumExp(src, r * cols, cols) - src[r * cols + label(y!, r, cols)]!;
  }

  grad([x, y]: readonly Variable[], _o: readonly Variable[], [gnll]: readonly Variable[]): (Variable | null)[] {
    return [crossentropySoftmax1HotDx(gnll!, x!, y!), null];
  }

  pp([x, y]: string[]): string {
    return `crossentropySoftmax1Hot(${x}, ${y})`;
  }

  toString(): string {
    return this.name;
  }
}

/** Checks there are no more labels than rows and every label names a column; returns [labels, columns]. */
export function checkLabels(x: NDArray, y: NDArray, node: Apply): [number, number] {
  const rows = y.shape[0]!;
  const cols = x.shape[1]!;
  const [xv, yv] = [node.inputs[node.inputs.length - 2]!, node.inputs[node.inputs.length - 1]!];
  if (rows > x.shape[0]!) {
    throw new IndexError(
      `${node.op.name}: ${yv.describeWithShape(y.shape)} has more labels than ${xv.describeWithShape(x.shape)} has rows.${node.outputs[0]!.createdAt()}`,
    );
  }
  for (let r = 0; r < rows; r++) {
    const raw = y.data[r]!;
    if (raw < -cols || raw >= cols) {
      throw new IndexError(
        `${node.op.name}: label ${raw} at position ${r} of ${yv.describeWithShape(y.shape)} is out of bounds for the ${cols} classes of ${xv.describeWithShape(x.shape)}.${node.outputs[0]!.createdAt()}`,
      );
    }
  }
  return [rows, cols];
}

/** Column of row r's label (negative labels count from the end). */
export function label(y: NDArray, r: number, cols: number): number {
  const raw = y.data[r]!;
  return raw < 0 ? raw + cols : raw;
}

/** True when `r` is `arange(0, y.shape[0], 1)`: the row numbers that pair each label of y with its row. */
export function isRowRangeOf(r: Variable, y: Variable): boolean {
  const node = r.owner;
  if (!node || node.op.name !== 'arange') return false;
  const [start, stop, step] = node.inputs as [Variable, Variable, Variable];
  const scalar = (v: Variable, n: number) => v instanceof Constant && v.value.size === 1 && v.value.data[0] === n;
  if (!scalar(start, 0) || !scalar(step, 1)) return false;
  if (stop.owner?.op.name === 'shape') return stop.owner.inputs[0] === y && (stop.owner.op.params as { i: number }).i === 0;
  const n = y.type.shape[0];
  return n !== null && n !== undefined && scalar(stop, n);
}

const op = new CrossentropySoftmax1Hot();

export function crossentropySoftmax1Hot(x: Variable, y: Variable): Variable {
  return apply1(op, [x, y]);
}
