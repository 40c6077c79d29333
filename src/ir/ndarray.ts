import { allocArray, arrayClass, dtypeOfArray, isInteger, isStorageOf, type DType, type TypedArray } from './dtype.js';
import { sizeOf, stridesOf, formatShape } from '../util/shape.js';
import { DTypeError, IndexError, ShapeError } from '../util/errors.js';
import { checkDType, checkShape, describeValue, MAX_RANK } from './validate.js';

export type Nested = number | boolean | readonly Nested[];

/** The most nested JS arrays toArray builds (a shape such as (2147483647, 0) holds no value but needs that many rows). */
const MAX_NESTED_ROWS = 2 ** 24;

/** A dense row-major array: the values compiled functions take and return. */
export class NDArray {
  readonly strides: number[];
  constructor(
    readonly dtype: DType,
    readonly shape: number[],
    readonly data: TypedArray,
  ) {
    checkDType(dtype, 'ndarray');
    checkShape(shape, 'ndarray');
    if (!isStorageOf(dtype, data)) {
      throw new DTypeError(`ndarray: ${dtype} values are stored in a ${arrayClass(dtype).name}; got ${describeValue(data)}`);
    }
    if (data.length !== sizeOf(shape)) {
      throw new ShapeError(`ndarray: data has ${data.length} elements but shape ${formatShape(shape)} needs ${sizeOf(shape)}`);
    }
    this.strides = stridesOf(shape);
  }

  static zeros(dtype: DType, shape: number[]): NDArray {
    return new NDArray(dtype, checkShape(shape, 'NDArray.zeros'), allocArray(checkDType(dtype, 'NDArray.zeros'), sizeOf(shape)));
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
      const raw: unknown = index[a];
      const n = this.shape[a]!;
      if (typeof raw !== 'number' || !Number.isInteger(raw)) throw new IndexError(`NDArray.get: index ${a} must be an integer; got ${describeValue(raw)}`);
      const i = raw < 0 ? raw + n : raw;
      if (i < 0 || i >= n) {
        throw new IndexError(`NDArray.get: index ${raw} out of range for axis ${a} of size ${n}`);
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
    // Empty arrays can still have huge leading axes, (2147483647, 0) needs 2147483647 empty rows: refuse those.
    let rows = 0;
    for (let a = 0, lead = 1; a < this.shape.length; a++) rows += lead *= a === 0 ? 1 : this.shape[a - 1]!;
    if (rows > MAX_NESTED_ROWS)
      throw new ShapeError(`NDArray.toArray: an array of shape ${formatShape(this.shape)} would need ${rows} nested JS arrays (at most ${MAX_NESTED_ROWS})`);
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

  /** `NDArray(float32, (2, 3), [[…]])`; large arrays show their first values only. */
  toString(): string {
    const head = `NDArray(${this.dtype}, ${formatShape(this.shape)}`;
    if (this.size > 1000 || this.shape.reduce((p, d) => p * Math.max(d, 1), 1) > 1000) {
      return `${head}, ${this.size} values: [${Array.from(this.data.subarray(0, 10)).join(', ')}${this.size > 10 ? ', …' : ''}])`;
    }
    return `${head}, ${JSON.stringify(this.toArray())})`;
  }
}

/** Infers the shape of a nested array from its first elements (flatten checks that it is rectangular). */
export function nestedShape(value: Nested): number[] {
  const shape: number[] = [];
  let v: Nested = value;
  while (Array.isArray(v)) {
    // A self-containing array would nest forever; no real array is deeper than MAX_RANK.
    if (shape.length === MAX_RANK) throw new ShapeError(`ndarray: nested arrays deeper than ${MAX_RANK} levels (a tensor has at most ${MAX_RANK} axes)`);
    shape.push(v.length);
    v = (v as readonly Nested[])[0] as Nested;
    if (v === undefined) break;
  }
  return shape;
}

function flatten(value: Nested, shape: number[], out: number[], axis = 0, path = ''): void {
  if (axis === shape.length) {
    if (typeof value !== 'number' && typeof value !== 'boolean') {
      const what = Array.isArray(value) ? `${describeValue(value)} where a number belongs (rows of different depths)` : describeValue(value);
      throw new ShapeError(`ndarray: expected numbers or booleans (or nested arrays of them); got ${what}${path ? ` at ${path}` : ''}`);
    }
    out.push(typeof value === 'boolean' ? (value ? 1 : 0) : value);
    return;
  }
  if (!Array.isArray(value))
    throw new ShapeError(`ndarray: ragged nested array: expected an array of length ${shape[axis]} at ${path || 'the top'}; got ${describeValue(value)}`);
  if (value.length !== shape[axis])
    throw new ShapeError(
      `ndarray: ragged nested array (rows of different lengths): ${path || 'the top'} has length ${value.length}, the first row at that depth ${shape[axis]}`,
    );
  for (let i = 0; i < value.length; i++) flatten((value as readonly Nested[])[i]!, shape, out, axis + 1, `${path}[${i}]`);
}

/**
 * Builds an NDArray from nested arrays or a typed array. Nested numbers default to `defaultDType`
 * (config.floatX); a typed array keeps its own dtype unless one is given. Storing into an integer dtype
 * truncates fractions (as NumPy) but refuses NaN, infinities and values out of the dtype's range.
 */
export function toNDArray(value: Nested | TypedArray | NDArray, shape?: number[], dtype?: DType, defaultDType: DType = 'float32'): NDArray {
  if (dtype !== undefined) checkDType(dtype, 'ndarray');
  const wanted = shape === undefined ? undefined : checkShape(shape, 'ndarray');
  if (value instanceof NDArray) {
    const a = dtype && dtype !== value.dtype ? value.astype(dtype) : value;
    return wanted ? new NDArray(a.dtype, wanted, a.data) : a;
  }
  if (ArrayBuffer.isView(value)) {
    const typed = value as unknown as ArrayBufferView & ArrayLike<number>;
    const own = dtypeOfArray(typed);
    const d = dtype ?? own;
    const data = isStorageOf(d, typed) ? typed : copyInto(d, typed);
    return new NDArray(d, wanted ?? [typed.length], data);
  }
  if (typeof value !== 'number' && typeof value !== 'boolean' && !Array.isArray(value)) {
    throw new DTypeError(`ndarray: expected a number, nested arrays of numbers, a typed array or an NDArray; got ${describeValue(value)}`);
  }
  const inferred = nestedShape(value as Nested);
  checkShape(inferred, 'ndarray');
  const flat: number[] = [];
  flatten(value as Nested, inferred, flat);
  const d = dtype ?? defaultDType;
  const data = copyInto(d, flat);
  const finalShape = wanted ?? inferred;
  if (sizeOf(finalShape) !== flat.length) throw new ShapeError(`ndarray: ${flat.length} values do not fill shape ${formatShape(finalShape)}`);
  return new NDArray(d, finalShape, data);
}

function copyInto(d: DType, src: ArrayLike<number>): TypedArray {
  const out = allocArray(d, src.length);
  if (d === 'bool') for (let i = 0; i < src.length; i++) out[i] = src[i] ? 1 : 0;
  else if (isInteger(d)) {
    const [lo, hi] = d === 'int32' ? [-(2 ** 31), 2 ** 31 - 1] : [0, 255];
    for (let i = 0; i < src.length; i++) {
      const v = src[i]!;
      if (!(v >= lo && v < hi + 1)) throw new DTypeError(`ndarray: value ${v} (element ${i}) cannot be stored as ${d} (${lo}..${hi})`);
      out[i] = v;
    }
  } else if (Array.isArray(src)) for (let i = 0; i < src.length; i++) out[i] = src[i]!;
  else out.set(src as TypedArray);
  return out;
}
