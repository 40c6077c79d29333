/** Properties: broadcasting binary ops on random compatible shapes equal the float64 reference. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as theano from '../../src/index.js';
import { T } from '../../src/index.js';
import { dtensor, expectClose, toND, type Variable } from '../helpers/check.js';
import * as R from '../helpers/reference.js';
import { broadcastPairArb, seedArb } from './arbitraries.js';
import { PROPS_SEED, runs } from './config.js';

const ops: [string, (a: Variable, b: Variable) => Variable, (a: number, b: number) => number][] = [
  ['add', T.add, (a, b) => a + b],
  ['sub', T.sub, (a, b) => a - b],
  ['mul', T.mul, (a, b) => a * b],
  ['maximum', T.maximum, (a, b) => (a >= b ? a : b)],
];

describe('property: binary elementwise ops broadcast as NumPy', () => {
  for (const [name, op, ref] of ops) {
    it(`${name} on random broadcast-compatible shapes`, () => {
      fc.assert(
        fc.property(broadcastPairArb, seedArb, ([sa, sb], seed) => {
          const rand = R.rng(seed);
          const av = R.randArr(sa, rand, -5, 5);
          const bv = R.randArr(sb, rand, -5, 5);
          const a = dtensor(sa.length, 'a');
          const b = dtensor(sb.length, 'b');
          const out = theano.function([a, b], op(a, b))(toND(av), toND(bv));
          expect(out.shape).toEqual(R.broadcastShapes(sa, sb));
          expectClose(out, R.zipWith([av, bv], ref), { rtol: 1e-15, atol: 0 });
        }),
        { seed: PROPS_SEED, numRuns: runs(50) },
      );
    });
  }

  it('a three-operand chain (a * b + c) with three random compatible shapes', () => {
    fc.assert(
      fc.property(broadcastPairArb, broadcastPairArb, seedArb, ([sa, sb], [, sc], seed) => {
        // sc comes from another pair: keep it only when it broadcasts with the result of a * b.
        let shapeC: number[];
        try {
          R.broadcastShapes(sa, sb, sc);
          shapeC = sc;
        } catch {
          shapeC = [];
        }
        const rand = R.rng(seed);
        const [av, bv, cv] = [sa, sb, shapeC].map((s) => R.randArr(s, rand));
        const [a, b, c] = [sa, sb, shapeC].map((s, i) => dtensor(s.length, 'abc'[i]));
        const out = theano.function([a!, b!, c!], a!.mul(b!).add(c!))(toND(av!), toND(bv!), toND(cv!));
        expectClose(
          out,
          R.zipWith([av!, bv!, cv!], (x, y, z) => x * y + z),
          { rtol: 1e-15, atol: 1e-16 },
        );
      }),
      { seed: PROPS_SEED, numRuns: runs(50) },
    );
  });
});
