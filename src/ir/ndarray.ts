import { allocArray, arrayClass, dtypeOfArray, type DType, type TypedArray } from './dtype.js';
import { sizeOf, stridesOf, formatShape } from '../util/shape.js';
import { IndexError, ShapeError } from '../util/errors.js';

export type Nested = number | boolean | readonly Nested[];

/** A dense row-major array: the values compiled functions take and return. */
export class NDArray {
  readonly strides: number[];
  constructor(
    readonly dtype: DType,
    readonly shape: number[],
    readonly data: TypedArray,
  ) {
    if (data.length !== sizeOf(shape)) {
      throw new ShapeError(`ndarray: data has ${data.length} elements but shape ${formatShape(shape)} needs ${sizeOf(shape)}`);
    }
    this.strides = stridesOf(shape);
  }

  static zeros(dtype: DType, shape: number[]): NDArray {
    return new NDArray(dtype, shape.slice(), allocArray(dtype, sizeOf(shape)));
  }

  static scalar(value: number, dtype: DType): NDArray {
    const data = allocArray(dtype, 1);
    data[0] = dtype === 'bool' ? (value ? 1 : 0) : value;
    return new NDArray(dtype, [], data);
  }

  get ndim(): number {
    return this.shape.length;
  }
  get size(): number {
    return this.data.length;
  }

  /** The element at a full index; negative indices count from the end, as in NumPy. */
  get(...index: number[]): number {
    if (index.length !== this.shape.length) {
      throw new IndexError(`NDArray.get: expected ${this.shape.length} indices for shape ${formatShape(this.shape)}, got ${index.length}`);
    }
    let off = 0;
    for (let a = 0; a < index.length; a++) {
      let i = index[a]!;
      const n = this.shape[a]!;
      if (i < 0) i += n;
      if (!Number.isInteger(i) || i < 0 || i >= n) {
        throw new IndexError(`NDArray.get: index ${index[a]} out of range for axis ${a} of size ${n}`);
      }
      off += i * this.strides[a]!;
    }
    return this.data[off]!;
  }

  /** The value of a one-element array. */
  item(): number {
    if (this.data.length !== 1) throw new ShapeError(`NDArray.item: array of shape ${formatShape(this.shape)} has ${this.data.length} elements, not 1`);
    return this.data[0]!;
  }

  /** Nested JS arrays (a number for 0-d). */
  toArray(): Nested {
    const build = (axis: number, off: number): Nested => {
      if (axis === this.shape.length) return this.data[off]!;
      const out: Nested[] = [];
      for (let i = 0; i < this.shape[axis]!; i++) out.push(build(axis + 1, off + i * this.strides[axis]!));
      return out;
    };
    return build(0, 0);
  }

  copy(): NDArray {
    return new NDArray(this.dtype, this.shape.slice(), this.data.slice());
  }

  /** A copy in another dtype. */
  astype(dtype: DType): NDArray {
    if (dtype === this.dtype) return this.copy();
    const out = allocArray(dtype, this.data.length);
    if (dtype === 'bool') for (let i = 0; i < out.length; i++) out[i] = this.data[i] ? 1 : 0;
    else out.set(this.data);
    return new NDArray(dtype, this.shape.slice(), out);
  }

  toString(): string {
    return `NDArray(${this.dtype}, ${formatShape(this.shape)}, ${JSON.stringify(this.toArray())})`;
  }
}

/** Infers the shape of a nested array, checking that it is rectangular. */
export function nestedShape(value: Nested): number[] {
  const shape: number[] = [];
  let v: Nested = value;
  while (Array.isArray(v)) {
    shape.push(v.length);
    v = (v as readonly Nested[])[0] as Nested;
    if (v === undefined) break;
  }
  return shape;
}

function flatten(value: Nested, shape: number[], out: number[], axis = 0): void {
  if (axis === shape.length) {
    if (typeof value !== 'number' && typeof value !== 'boolean') throw new ShapeError('ndarray: ragged nested array (rows of different lengths)');
    out.push(typeof value === 'boolean' ? (value ? 1 : 0) : value);
    return;
  }
  if (!Array.isArray(value) || value.length !== shape[axis]) throw new ShapeError('ndarray: ragged nested array (rows of different lengths)');
  for (const v of value as readonly Nested[]) flatten(v, shape, out, axis + 1);
}

/**
 * Builds an NDArray from nested arrays or a typed array. Nested numbers default to `defaultDType`
 * (config.floatX); a typed array keeps its own dtype unless one is given.
 */
export function toNDArray(value: Nested | TypedArray | NDArray, shape?: number[], dtype?: DType, defaultDType: DType = 'float32'): NDArray {
  if (value instanceof NDArray) {
    const a = dtype && dtype !== value.dtype ? value.astype(dtype) : value;
    return shape ? new NDArray(a.dtype, shape.slice(), a.data) : a;
  }
  if (ArrayBuffer.isView(value)) {
    const typed = value as TypedArray;
    const d = dtype ?? dtypeOfArray(typed);
    const data = d === dtypeOfArray(typed) && d !== 'bool' ? typed : copyInto(d, typed);
    return new NDArray(d, shape ? shape.slice() : [typed.length], data);
  }
  const inferred = nestedShape(value as Nested);
  const flat: number[] = [];
  flatten(value as Nested, inferred, flat);
  const d = dtype ?? defaultDType;
  const data = new (arrayClass(d))(flat.length);
  for (let i = 0; i < flat.length; i++) data[i] = d === 'bool' ? (flat[i] ? 1 : 0) : flat[i]!;
  const finalShape = shape ? shape.slice() : inferred;
  if (sizeOf(finalShape) !== flat.length) throw new ShapeError(`ndarray: ${flat.length} values do not fill shape ${formatShape(finalShape)}`);
  return new NDArray(d, finalShape, data);
}

function copyInto(d: DType, src: TypedArray): TypedArray {
  const out = allocArray(d, src.length);
  if (d === 'bool') for (let i = 0; i < src.length; i++) out[i] = src[i] ? 1 : 0;
  else out.set(src);
  return out;
}

