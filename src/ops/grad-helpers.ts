import type { DType } from '../ir/dtype.js';
import { constant } from '../ir/constant.js';
import type { Variable } from '../ir/variable.js';
import { fill } from './elemwise/fill.js';

/** A 0-d constant in the dtype of `like` (broadcasts against it). */
export function scalarLike(value: number, like: Variable | DType): Variable {
  return constant(value, typeof like === 'string' ? like : like.dtype);
}

export function zerosLike(x: Variable): Variable {
  return fill(x, scalarLike(0, x));
}

export function onesLike(x: Variable): Variable {
  return fill(x, scalarLike(1, x));
}
