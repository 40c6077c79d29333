/** fast-check arbitraries shared by the property tests: shapes, broadcast-compatible shape pairs, axes. */
import fc from 'fast-check';

/** A shape of rank in [minRank, maxRank] with sizes in [1, maxDim]. */
export function shapeArb(minRank: number, maxRank: number, maxDim = 4): fc.Arbitrary<number[]> {
  return fc.array(fc.integer({ min: 1, max: maxDim }), { minLength: minRank, maxLength: maxRank });
}

/**
 * Two shapes that broadcast together under NumPy rules: both derived from one full shape by dropping
 * leading axes and setting some sizes to 1.
 */
export const broadcastPairArb: fc.Arbitrary<[number[], number[]]> = shapeArb(0, 3).chain((full) => {
  const derived = fc
    .record({
      drop: fc.integer({ min: 0, max: full.length }),
      ones: fc.array(fc.boolean(), { minLength: full.length, maxLength: full.length }),
    })
    .map(({ drop, ones }) => full.map((d, i) => (ones[i] ? 1 : d)).slice(drop));
  return fc.tuple(derived, derived);
});

/** A shape and a set of axes of it (undefined meaning all axes). */
export const shapeAndAxesArb: fc.Arbitrary<{ shape: number[]; axes: number[] | undefined }> = shapeArb(1, 4).chain((shape) =>
  fc.record({
    shape: fc.constant(shape),
    axes: fc.option(
      fc.subarray(
        shape.map((_, i) => i),
        { minLength: 1 },
      ),
      { nil: undefined },
    ),
  }),
);

export const seedArb = fc.integer({ min: 1, max: 2 ** 31 - 1 });
