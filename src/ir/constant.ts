import { isFloat, type DType } from './dtype.js';
import { DTypeError } from '../util/errors.js';
import { checkDType, describeValue } from './validate.js';
import { NDArray } from './ndarray.js';
import { TensorType } from './type.js';
import { Constant } from './variable.js';

/** A constant from a number (0-d) or an NDArray; its static shape is fully known. */
export function constant(value: number | NDArray, dtype?: DType, name?: string): Constant {
  if (typeof value !== 'number' && !(value instanceof NDArray)) {
    throw new DTypeError(`constant: the value must be a number or an NDArray (make one with theano.ndarray); got ${describeValue(value)}`);
  }
  if (dtype !== undefined) checkDType(dtype, 'constant');
  if (name !== undefined && typeof name !== 'string') throw new DTypeError(`constant: a name must be a string; got ${describeValue(name)}`);
  if (typeof value === 'number' && dtype && !isFloat(dtype) && dtype !== 'bool' && !Number.isFinite(value)) {
    throw new DTypeError(`constant: ${value} cannot be a ${dtype} constant`);
  }
  const arr = typeof value === 'number' ? NDArray.scalar(value, dtype ?? 'float64') : dtype && dtype !== value.dtype ? value.astype(dtype) : value;
  const label = name ?? (arr.size === 1 && arr.ndim === 0 ? formatNumber(arr.item()) : undefined);
  return new Constant(new TensorType(arr.dtype, arr.shape), arr, label);
}

function formatNumber(v: number): string {
  return Number.isInteger(v) ? String(v) : String(Math.fround(v) === v ? v : +v.toPrecision(8));
}
