import type { DType } from './dtype.js';
import { formatShape, type StaticShape } from '../util/shape.js';

const RANK_NAMES = ['scalar', 'vector', 'matrix', 'tensor3', 'tensor4'];

/** The type of a symbolic tensor: dtype and a static shape (`null` = known only at run time). Rank is fixed. */
export class TensorType {
  readonly shape: readonly (number | null)[];
  constructor(
    readonly dtype: DType,
    shape: StaticShape,
  ) {
    this.shape = Object.freeze(shape.slice());
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
