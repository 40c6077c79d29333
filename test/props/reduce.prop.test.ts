/** Properties: sum / mean / max / min over random axes of random shapes equal the reference; argmax too. */
import { describe, it } from 'vitest';
import fc from 'fast-check';
import * as theano from '../../src/index.js';
import { T } from '../../src/index.js';
import { checkGrad, dtensor, expectClose, toND } from '../helpers/check.js';
import * as R from '../helpers/reference.js';
import { seedArb, shapeAndAxesArb, shapeArb } from './arbitraries.js';
import { PROPS_SEED, runs } from './config.js';

const reductions = [
  ['sum', T.sum, R.sum],
  ['mean', T.mean, R.mean],
  ['max', T.max, R.max],
  ['min', T.min, R.min],
] as const;

describe('property: reductions over random axes', () => {
  for (const [name, op, ref] of reductions) {
    it(`${name} equals the reference`, () => {
      fc.assert(
        fc.property(shapeAndAxesArb, seedArb, ({ shape, axes }, seed) => {
          const xv = R.randArr(shape, R.rng(seed));
          const x = dtensor(shape.length, 'x');
          const out = theano.function([x], op(x, axes))(toND(xv));
          expectClose(out, ref(xv, axes), { rtol: 1e-13, atol: 1e-14 });
        }),
        { seed: PROPS_SEED, numRuns: runs(50) },
      );
    });
  }

  it('argmax over one random axis (values with many ties) equals the reference', () => {
    fc.assert(
      fc.property(
        shapeArb(1, 4).chain((s) => fc.tuple(fc.constant(s), fc.integer({ min: -s.length, max: s.length - 1 }))),
        seedArb,
        ([shape, axis], seed) => {
          const rand = R.rng(seed);
          const xv = R.arr(shape, () => Math.floor(rand() * 3));
          const x = dtensor(shape.length, 'x');
          expectClose(theano.function([x], T.argmax(x, axis))(toND(xv)), R.argmax(xv, axis));
        },
      ),
      { seed: PROPS_SEED, numRuns: runs(50) },
    );
  });

  it('the gradient of sum over random axes of sqr(x) matches finite differences', () => {
    fc.assert(
      fc.property(shapeAndAxesArb, seedArb, ({ shape, axes }, seed) => {
        const x = dtensor(shape.length, 'x');
        checkGrad({
          wrt: [x],
          values: [R.randArr(shape, R.rng(seed))],
          out: T.sum(T.sqr(x), axes),
          ref: (a) =>
            R.sum(
              R.map(a, (v) => v * v),
              axes,
            ),
          seed,
        });
      }),
      { seed: PROPS_SEED, numRuns: runs(30) },
    );
  });
});
