import { isInteger } from '../ir/dtype.js';
import type { NDArray } from '../ir/ndarray.js';
import { apply1, opToString, type Op } from '../ir/op.js';
import { TensorType } from '../ir/type.js';
import { Constant, Variable, type Apply } from '../ir/variable.js';
import { atCallSite, describeValue, MAX_ELEMENTS, MAX_RANK } from '../ir/validate.js';
import { constant } from '../ir/constant.js';
import { ShapeError, TypeMismatchError } from '../util/errors.js';
import { formatShape, sizeOf } from '../util/shape.js';
import { shapeOf } from './shape.js';

/** `reshape(x, [d0, d1, …])`: entries are int scalars (constants or symbolic); one may be -1. Row-major. */
export class Reshape implements Op {
  readonly name = 'reshape';
  readonly params: { ndim: number };
  constructor(readonly ndim: number) {
    this.params = { ndim };
  }

  inferTypes([x, ...dims]: readonly Variable[]): TensorType[] {
    for (const d of dims) {
      if (d.ndim !== 0 || !isInteger(d.dtype))
        throw new TypeMismatchError(`reshape: shape entries must be int scalars; got ${d.describe()} for ${x!.describe()}`);
    }
    const known = dims.map((d) => (d instanceof Constant ? d.value.item() : null));
    if (known.filter((d) => d === -1).length > 1)
      throw new ShapeError(`reshape: at most one entry may be -1; got (${known.map((d) => d ?? '?').join(', ')}) for ${x!.describe()}`);
    const requested = known.slice();
    const inSize = x!.type.shape.every((d) => d !== null) ? sizeOf(x!.type.shape as number[]) : null;
    if (known.includes(-1) && inSize !== null && known.every((d) => d !== null)) {
      const rest = known.reduce<number>((p, d) => (d === -1 ? p : p * d!), 1);
      known[known.indexOf(-1)] = rest === 0 ? 0 : inSize / rest;
    }
    // A constant entry below -1, or a -1 that cannot divide the size (e.g. 15 elements to (4, -1)), never fits.
    const impossible = known.some((d) => d !== null && d !== -1 && (!Number.isInteger(d) || d < 0));
    if (impossible || (inSize !== null && known.every((d) => d !== null && d >= 0) && sizeOf(known as number[]) !== inSize)) {
      throw new ShapeError(`reshape: cannot reshape ${x!.describe()}${inSize !== null ? ` (${inSize} elements)` : ''} to ${formatShape(requested)}`);
    }
    return [
      new TensorType(
        x!.dtype,
        known.map((d) => (d === -1 ? null : d)),
      ),
    ];
  }

  outputShapes([x, ...dims]: readonly NDArray[], node: Apply): number[][] {
    const shape = dims.map((d) => d.item());
    const free = shape.indexOf(-1);
    if (free >= 0) {
      const rest = shape.reduce((p, d, i) => (i === free ? p : p * d), 1);
      shape[free] = rest === 0 ? 0 : x!.size / rest;
    }
    if (shape.some((d) => !Number.isInteger(d) || d < 0) || sizeOf(shape) !== x!.size) {
      throw new ShapeError(
        `reshape: cannot reshape ${node.inputs[0]!.describeWithShape(x!.shape)} (${x!.size} elements) to (${dims.map((d) => d.item()).join(', ')}).${node.outputs[0]!.createdAt()}`,
      );
    }
    return [shape];
  }

  perform([x]: readonly NDArray[], [out]: NDArray[]): void {
    out!.data.set(x!.data);
  }

  grad([x, ...dims]: readonly Variable[], _o: readonly Variable[], [gz]: readonly Variable[]): (Variable | null)[] {
    const back = Array.from({ length: x!.ndim }, (_, a) => shapeOf(x!, a));
    return [reshape(gz!, back), ...dims.map(() => null)];
  }

  pp([x, ...dims]: string[]): string {
    return `${x}.reshape(${dims.join(', ')})`;
  }

  toString(): string {
    return opToString('reshape', this.params);
  }
}

/** Shape entries: numbers become int32 constants. */
export function reshape(x: Variable, shape: readonly (number | Variable)[]): Variable {
  if (!Array.isArray(shape) || shape.length > MAX_RANK) {
    throw new TypeMismatchError(
      `reshape: the new shape must be an array of at most ${MAX_RANK} sizes (numbers or int scalars); got ${describeValue(shape)} for ${x.describe()}.${atCallSite()}`,
    );
  }
  const dims = shape.map((d: unknown, i) => {
    if (d instanceof Variable) return d;
    if (typeof d === 'number' && Number.isInteger(d) && d >= -1 && d <= MAX_ELEMENTS) return constant(d, 'int32');
    const what = typeof d === 'number' ? String(d) : describeValue(d);
    throw new ShapeError(
      `reshape: entry ${i} of the new shape is ${what}; each must be a non-negative integer, -1 (inferred) or an int scalar variable, for ${x.describe()}.${atCallSite()}`,
    );
  });
  return apply1(new Reshape(dims.length), [x, ...dims]);
}

/** Keeps the first ndim-1 axes and collapses the rest (Theano's flatten(ndim)). */
export function flatten(x: Variable, ndim = 1): Variable {
  if (typeof ndim !== 'number' || !Number.isInteger(ndim) || ndim < 1 || ndim > Math.max(x.ndim, 1)) {
    throw new TypeMismatchError(
      `flatten: ndim must be an integer in 1..${Math.max(x.ndim, 1)}; got ${describeValue(ndim)} for ${x.describe()}.${atCallSite()}`,
    );
  }
  const lead = Array.from({ length: ndim - 1 }, (_, a) => shapeOf(x, a));
  return reshape(x, [...lead, -1]);
}
