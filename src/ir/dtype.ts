/** Element types, their storage, and Theano/NumPy-style promotion. */
import { DTypeError, ShapeError } from '../util/errors.js';

export type DType = 'float32' | 'float64' | 'int32' | 'uint8' | 'bool';

export type TypedArray = Float32Array | Float64Array | Int32Array | Uint8Array;

export const DTYPES: readonly DType[] = ['bool', 'uint8', 'int32', 'float32', 'float64'];

export function isFloat(d: DType): boolean {
  return d === 'float32' || d === 'float64';
}
export function isInteger(d: DType): boolean {
  return d === 'int32' || d === 'uint8' || d === 'bool';
}

export function arrayClass(d: DType): new (n: number) => TypedArray {
  switch (d) {
    case 'float32':
      return Float32Array;
    case 'float64':
      return Float64Array;
    case 'int32':
      return Int32Array;
    case 'uint8':
    case 'bool':
      return Uint8Array;
  }
}

export function allocArray(d: DType, n: number): TypedArray {
  const cls = arrayClass(d);
  // The last line of defence against sizes that ops and callers should have rejected with a clearer message.
  if (!cls) throw new DTypeError(`allocArray: unknown dtype ${typeof d === 'string' ? `'${d}'` : typeof d}; valid dtypes are ${DTYPES.join(', ')}`);
  if (!Number.isInteger(n) || n < 0 || n > 2 ** 31 - 1) throw new ShapeError(`allocArray: cannot allocate an array of ${n} elements (at most ${2 ** 31 - 1})`);
  return new cls(n);
}

/**
 * The dtype that holds a typed array's values exactly: its own for the four storage classes, int32 for the
 * other small integer arrays, float64 for Uint32Array. BigInt arrays and DataViews are a DTypeError.
 */
export function dtypeOfArray(a: ArrayBufferView): DType {
  if (a instanceof Float32Array) return 'float32';
  if (a instanceof Float64Array) return 'float64';
  if (a instanceof Int32Array) return 'int32';
  if (a instanceof Uint8Array || a instanceof Uint8ClampedArray) return 'uint8';
  if (a instanceof Int8Array || a instanceof Int16Array || a instanceof Uint16Array) return 'int32';
  if (a instanceof Uint32Array) return 'float64';
  throw new DTypeError(
    `ndarray: a ${a.constructor.name} cannot be converted; pass a Float32Array, Float64Array, Int32Array or Uint8Array (or nested arrays of numbers)`,
  );
}

/** True when `data` is the storage class of `d` (Uint8Array for bool), so an NDArray may hold it as it is. */
export function isStorageOf(d: DType, data: unknown): data is TypedArray {
  const cls = arrayClass(d);
  return cls !== undefined && data instanceof cls && data.constructor === cls;
}

const RANK: Record<DType, number> = { bool: 0, uint8: 1, int32: 2, float32: 3, float64: 4 };

/**
 * NumPy's promotion of two array dtypes, as Theano 1.0 follows it: int32 with float32 needs float64 to hold
 * every int32 exactly; uint8 fits in float32.
 */
export function upcast(a: DType, b: DType): DType {
  if (a === b) return a;
  if ((a === 'int32' && b === 'float32') || (a === 'float32' && b === 'int32')) return 'float64';
  return RANK[a] >= RANK[b] ? a : b;
}

export function upcastAll(dtypes: DType[]): DType {
  return dtypes.reduce((acc, d) => upcast(acc, d));
}

/** True when every value of `from` is exactly representable in `to`. */
export function canCastLosslessly(from: DType, to: DType): boolean {
  if (from === to) return true;
  if (to === 'float64') return true;
  if (to === 'float32') return from === 'bool' || from === 'uint8';
  if (to === 'int32') return from === 'bool' || from === 'uint8';
  if (to === 'uint8') return from === 'bool';
  return false;
}

/** Converts a JS number to what storing it in a `d` array yields (used to check for precision loss). */
export function roundTo(d: DType, v: number): number {
  switch (d) {
    case 'float32':
      return Math.fround(v);
    case 'float64':
      return v;
    case 'int32':
      return v | 0;
    case 'uint8':
      return v & 255;
    case 'bool':
      return v ? 1 : 0;
  }
}
