import { allocArray, type DType, type TypedArray } from '../../ir/dtype.js';
import { NDArray } from '../../ir/ndarray.js';

/** Host values as the device holds them: float32 (exact for integers and booleans below 2^24). */
export function asFloat32(data: TypedArray): Float32Array {
  return data instanceof Float32Array ? data : Float32Array.from(data);
}

/** Device values back as an array of the variable's dtype (integers rounded: the device computed them as floats). */
export function fromDevice(values: Float32Array, dtype: DType, shape: readonly number[]): NDArray {
  if (dtype === 'float32') return new NDArray(dtype, shape.slice(), values.length === sizeOfShape(shape) ? values : values.slice(0, sizeOfShape(shape)));
  const out = allocArray(dtype, sizeOfShape(shape));
  const round = dtype !== 'float64';
  for (let i = 0; i < out.length; i++) out[i] = round ? Math.round(values[i]!) : values[i]!;
  return new NDArray(dtype, shape.slice(), out);
}

function sizeOfShape(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}
