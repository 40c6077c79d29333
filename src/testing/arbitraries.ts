/** fast-check arbitraries for dtypes, shapes (with broadcastable axes) and NDArrays fit for gradient checks. */
import fc from 'fast-check';
import type { DType } from '../ir/dtype.js';
import type { NDArray } from '../ir/ndarray.js';
import { valuesAwayFromKinks, type ValueOptions } from './values.js';

/** `dtypeArb()`: the float dtypes (gradients exist for these); `{ all: true }` adds int32, uint8 and bool. */
export function dtypeArb(opts: { all?: boolean; only?: readonly DType[] } = {}): fc.Arbitrary<DType> {
  const list: readonly DType[] = opts.only ?? (opts.all ? ['float64', 'float32', 'int32', 'uint8', 'bool'] : ['float64', 'float32']);
  return fc.constantFrom(...list);
}

export interface ShapeOptions {
  minRank?: number;
  /** Default 3. */
  maxRank?: number;
  /** Default 1. */
  minDim?: number;
  /** Default 4. */
  maxDim?: number;
  /** Chance that an axis has length 1 (broadcastable, in Theano's terms); default 0.2. */
  broadcastable?: number;
}

/** A shape with rank in [minRank, maxRank] and sizes in [minDim, maxDim]; some axes of length 1. Shrinks to fewer, smaller axes. */
export function shapeArb(opts: ShapeOptions = {}): fc.Arbitrary<number[]> {
  const minRank = opts.minRank ?? 0;
  const maxRank = opts.maxRank ?? 3;
  const minDim = opts.minDim ?? 1;
  const maxDim = opts.maxDim ?? 4;
  const ones = opts.broadcastable ?? 0.2;
  const dim =
    ones > 0 && minDim <= 1
      ? fc.oneof(
          { arbitrary: fc.constant(1), weight: Math.round(ones * 100) },
          { arbitrary: fc.integer({ min: minDim, max: maxDim }), weight: Math.round((1 - ones) * 100) },
        )
      : fc.integer({ min: minDim, max: maxDim });
  return fc.array(dim, { minLength: minRank, maxLength: maxRank });
}

/**
 * `count` shapes that broadcast together under NumPy's rules, all derived from one full shape by dropping
 * leading axes and setting some lengths to 1. Returned with the broadcast result.
 */
export function broadcastShapesArb(count: number, opts: ShapeOptions = {}): fc.Arbitrary<{ shapes: number[][]; result: number[] }> {
  return shapeArb({ ...opts, broadcastable: 0 }).chain((full) => {
    const derived = fc
      .record({
        drop: fc.integer({ min: 0, max: full.length }),
        ones: fc.array(fc.boolean(), { minLength: full.length, maxLength: full.length }),
      })
      .map(({ drop, ones }) => full.map((d, i) => (ones[i] ? 1 : d)).slice(drop));
    return fc.array(derived, { minLength: count, maxLength: count }).map((shapes) => ({ shapes, result: broadcastResult(shapes) }));
  });
}

function broadcastResult(shapes: readonly number[][]): number[] {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out = new Array<number>(rank).fill(1);
  for (const s of shapes) s.forEach((d, i) => (out[rank - s.length + i] = Math.max(out[rank - s.length + i]!, d)));
  return out;
}

/**
 * An NDArray of a fixed shape or of shapes drawn from an arbitrary, with values kept away from kinks and ties
 * (see valuesAwayFromKinks: magnitudes in [0.25, 1.5] by default, pairwise distinct, random signs).
 */
export function ndarrayArb(shape: readonly number[] | fc.Arbitrary<number[]>, opts: ValueOptions = {}): fc.Arbitrary<NDArray> {
  const seeds = fc.integer({ min: 0, max: 0x7fffffff });
  if (shape instanceof fc.Arbitrary) return fc.tuple(shape, seeds).map(([s, seed]) => valuesAwayFromKinks(s, seed, opts));
  return seeds.map((seed) => valuesAwayFromKinks(shape as readonly number[], seed, opts));
}
