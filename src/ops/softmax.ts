import type { NDArray } from '../ir/ndarray.js';
import { scratch64 } from './scratch.js';
import { apply1, type Op } from '../ir/op.js';
import type { TensorType } from '../ir/type.js';
import type { Variable } from '../ir/variable.js';
import { TypeMismatchError } from '../util/errors.js';
import { isFloat } from '../ir/dtype.js';
import { mul } from './elemwise/mul.js';
import { sub } from './elemwise/sub.js';
import { sum } from './sum.js';
import { dimshuffle } from './dimshuffle.js';

/** What softmax and logSoftmax share: a float vector or matrix in, the same type out, rows along the last axis. */
export abstract class RowwiseOp implements Op {
  abstract readonly name: string;

  inferTypes([x]: readonly Variable[]): TensorType[] {
    if ((x!.ndim !== 1 && x!.ndim !== 2) || !isFloat(x!.dtype))
      throw new TypeMismatchError(`${this.name}: takes a float vector or matrix; got ${x!.describe()}`);
    return [x!.type];
  }

  outputShapes([x]: readonly NDArray[]): number[][] {
    return [x!.shape.slice()];
  }

  /** [rows, cols] of x seen as rows along its last axis. */
  protected rowsOf(x: NDArray): [number, number] {
    const cols = x.shape[x.ndim - 1]!;
    return [cols === 0 ? 0 : x.size / cols, cols];
  }

  abstract perform(inputs: readonly NDArray[], outputs: NDArray[]): void;
  abstract grad(inputs: readonly Variable[], outputs: readonly Variable[], outputGrads: readonly Variable[]): (Variable | null)[];

  toString(): string {
    return this.name;
  }
}

/** Softmax along the last axis of a vector or matrix, stable: the row max is subtracted before exp. */
export class Softmax extends RowwiseOp {
  readonly name = 'softmax';

  perform([x]: readonly NDArray[], [out]: NDArray[]): void {
    const [rows, cols] = this.rowsOf(x!);
    const src = x!.data;
    const o = out!.data;
    const e = scratch64(cols);
    for (let r = 0; r < rows; r++) {
      const base = r * cols;
      let m = -Infinity;
      for (let j = 0; j < cols; j++) m = Math.max(m, src[base + j]!);
      let s = 0;
      for (let j = 0; j < cols; j++) s += e[j] = Math.exp(src[base + j]! - m);
      for (let j = 0; j < cols; j++) o[base + j] = e[j]! / s;
    }
  }

  /** dx = (gz - sum(gz * sm, last axis)) * sm */
  grad([x]: readonly Variable[], [sm]: readonly Variable[], [gz]: readonly Variable[]): (Variable | null)[] {
    const last = x!.ndim - 1;
    const rowDot = sum(mul(gz!, sm!), last);
    const expanded = x!.ndim === 2 ? dimshuffle(rowDot, [0, 'x']) : rowDot;
    return [mul(sub(gz!, expanded), sm!)];
  }
}

const softmaxOp = new Softmax();

export function softmax(x: Variable): Variable {
  return apply1(softmaxOp, [x]);
}

/** log(sum(exp(row))) of src[base .. base + cols), with the row max taken out first so that exp cannot overflow. */
export function logSumExp(src: ArrayLike<number>, base: number, cols: number): number {
  let m = -Infinity;
  for (let j = 0; j < cols; j++) m = Math.max(m, src[base + j]!);
  let s = 0;
  for (let j = 0; j < cols; j++) s += Math.exp(src[base + j]! - m);
  return m + Math.log(s);
}
