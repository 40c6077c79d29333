import type { DType } from './dtype.js';
import { NDArray } from './ndarray.js';
import { TensorType } from './type.js';
import { Constant } from './variable.js';

/** A constant from a number (0-d) or an NDArray; its static shape is fully known. */
export function constant(value: number | NDArray, dtype?: DType, name?: string): Constant {
  const arr = typeof value === 'number' ? NDArray.scalar(value, dtype ?? 'float64') : dtype && dtype !== value.dtype ? value.astype(dtype) : value;
  const label = name ?? (arr.size === 1 && arr.ndim === 0 ? formatNumber(arr.item()) : undefined);
  return new Constant(new TensorType(arr.dtype, arr.shape), arr, label);
}

function formatNumber(v: number): string {
  return Number.isInteger(v) ? String(v) : String(Math.fround(v) === v ? v : +v.toPrecision(8));
}
