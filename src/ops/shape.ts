import type { NDArray } from '../ir/ndarray.js';
import { apply1, opToString, type Op } from '../ir/op.js';
import { constant } from '../ir/constant.js';
import { TensorType } from '../ir/type.js';
import type { Variable } from '../ir/variable.js';
import { TypeMismatchError } from '../util/errors.js';
import { atCallSite, describeValue } from '../ir/validate.js';

/** `x.shape(i)`: the run-time size of axis i, an int32 scalar (a constant when the size is static). */
export class ShapeI implements Op {
  readonly name = 'shape';
  readonly params: { i: number };
  constructor(readonly axis: number) {
    this.params = { i: axis };
  }

  inferTypes([x]: readonly Variable[]): TensorType[] {
    if (this.axis < 0 || this.axis >= x!.ndim) throw new TypeMismatchError(`shape: axis ${this.axis} is out of range for ${x!.describe()}`);
    return [new TensorType('int32', [])];
  }

  outputShapes(): number[][] {
    return [[]];
  }

  perform([x]: readonly NDArray[], [out]: NDArray[]): void {
    out!.data[0] = x!.shape[this.axis]!;
  }

  grad(): (Variable | null)[] {
    return [null];
  }

  pp([a]: string[]): string {
    return `${a}.shape[${this.axis}]`;
  }

  toString(): string {
    return opToString('shape', this.params);
  }
}

export function shapeOf(x: Variable, axis: number): Variable {
  if (typeof axis !== 'number' || !Number.isInteger(axis) || axis < -x.ndim || axis >= x.ndim) {
    const range = x.ndim ? `; valid axes are ${-x.ndim}..${x.ndim - 1}` : ' (it has no axes)';
    throw new TypeMismatchError(
      `shape: axis ${typeof axis === 'number' ? axis : describeValue(axis)} is out of range for ${x.describe()}${range}.${atCallSite()}`,
    );
  }
  const a = axis < 0 ? axis + x.ndim : axis;
  const known = x.type.shape[a];
  if (known !== null && known !== undefined) return constant(known, 'int32');
  return apply1(new ShapeI(a), [x]);
}
