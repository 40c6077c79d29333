/** Element types, their storage, and Theano/NumPy-style promotion. */
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
  return new (arrayClass(d))(n);
}

export function dtypeOfArray(a: TypedArray): DType {
  if (a instanceof Float32Array) return 'float32';
  if (a instanceof Float64Array) return 'float64';
  if (a instanceof Int32Array) return 'int32';
  return 'uint8';
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
