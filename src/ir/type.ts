import type { DType } from './dtype.js';
import { formatShape, type StaticShape } from '../util/shape.js';
import { checkDType, checkStaticShape } from './validate.js';

const RANK_NAMES = ['scalar', 'vector', 'matrix', 'tensor3', 'tensor4'];

/** The type of a symbolic tensor: dtype and a static shape (`null` = known only at run time). Rank is fixed. */
export class TensorType {
  readonly shape: readonly (number | null)[];
  constructor(
    readonly dtype: DType,
    shape: StaticShape,
  ) {
    // Every type, the user's or an op's, goes through here: junk never becomes a type.
    checkDType(dtype, 'TensorType');
    this.shape = Object.freeze(checkStaticShape(shape, 'TensorType'));
  }

  get ndim(): number {
    return this.shape.length;
  }

  /** A dim of static size 1 broadcasts (Theano's `broadcastable`). */
  get broadcastable(): boolean[] {
    return this.shape.map((d) => d === 1);
  }

  /** Same dtype and rank, and no two known sizes that differ. */
  isCompatible(other: TensorType): boolean {
    if (this.dtype !== other.dtype || this.ndim !== other.ndim) return false;
    return this.shape.every((d, i) => d === null || other.shape[i] === null || d === other.shape[i]);
  }

  /** "float32 matrix" */
  describe(): string {
    return `${this.dtype} ${RANK_NAMES[this.ndim] ?? `${this.ndim}-d tensor`}`;
  }

  /** "float32 matrix (?, 784)", or "float32 matrix" when no size is known */
  toString(): string {
    // Only worth printing when some size is known.
    return this.shape.every((d) => d === null) ? this.describe() : `${this.describe()} ${formatShape(this.shape)}`;
  }

  withShape(shape: StaticShape): TensorType {
    return new TensorType(this.dtype, shape);
  }
  withDType(dtype: DType): TensorType {
    return new TensorType(dtype, this.shape);
  }
}

export function rankName(ndim: number): string {
  return RANK_NAMES[ndim] ?? `${ndim}-d tensor`;
}
