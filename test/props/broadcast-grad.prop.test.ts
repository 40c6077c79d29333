/**
 * Property: gradients through broadcasting are reduced back to each input's shape, whether the broadcast axes
 * are declared (static length 1, as verifyGrad's inputs) or found only at run time (inputs of unknown shape),
 * and they match finite differences.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as theano from '../../src/index.js';
import { T } from '../../src/index.js';
import type { Variable } from '../../src/index.js';
import { broadcastShapesArb, checkGrad, valuesAwayFromKinks } from '../../src/testing/index.js';
import { assertProperty } from './config.js';

const seedArb = fc.integer({ min: 0, max: 0x3fffffff });

const ops: [string, (...xs: Variable[]) => Variable, number][] = [
  ['a + b', (a, b) => T.add(a!, b!), 2],
  ['a - b', (a, b) => T.sub(a!, b!), 2],
  ['a * b', (a, b) => T.mul(a!, b!), 2],
  ['a / (b² + 1)', (a, b) => T.div(a!, T.add(T.sqr(b!), 1)), 2],
  ['maximum(a, b)', (a, b) => T.maximum(a!, b!), 2],
  ['tanh(a) * b + c', (a, b, c) => T.add(T.mul(T.tanh(a!), b!), c!), 3],
  ['switch(a > 0, b, c)', (a, b, c) => T.switch(T.gt(a!, 0), b!, c!), 3],
  ['clip(a, -|b| - 0.1, |c| + 0.1)', (a, b, c) => T.clip(a!, T.sub(T.neg(T.abs(b!)), 0.1), T.add(T.abs(c!), 0.1)), 3],
  ['sum over axis 0 of a * b', (a, b) => T.sum(T.mul(a!, b!), 0), 2],
];

describe('property: gradients through broadcasting reduce to the input shapes', () => {
  for (const [name, f, arity] of ops) {
    it(`${name}: matches finite differences (broadcastable axes declared)`, () => {
      assertProperty(
        fc.property(broadcastShapesArb(arity, { maxRank: 3, maxDim: 3 }), seedArb, ({ shapes, result }, seed) => {
          fc.pre(name !== 'sum over axis 0 of a * b' || result.length > 0);
          const points = shapes.map((s, i) => valuesAwayFromKinks(s, seed + i));
          const r = checkGrad(f, points);
          if (r.status === 'skipped') expect(r.reason).toMatch(/closer|tie/);
        }),
        15,
      );
    });

    it(`${name}: inputs of unknown static shape get gradients of their run-time shape, equal to the declared case`, () => {
      assertProperty(
        fc.property(broadcastShapesArb(arity, { maxRank: 3, maxDim: 3 }), seedArb, ({ shapes, result }, seed) => {
          fc.pre(name !== 'sum over axis 0 of a * b' || result.length > 0);
          const points = shapes.map((s, i) => valuesAwayFromKinks(s, seed + i));
          const grads = (inputs: Variable[]) => {
            const out = f(...inputs);
            const u = T.tensor('float64', out.ndim, 'u');
            const g = T.grad(T.sum(T.mul(out, u)), inputs, { disconnectedInputs: 'ignore' });
            return { u, g, out };
          };
          const dynamic = shapes.map((s, i) => T.tensor('float64', s.length, `x${i}`));
          const declared = shapes.map((s, i) =>
            T.tensor(
              'float64',
              s.map((d) => (d === 1 ? 1 : null)),
              `x${i}`,
            ),
          );
          const d1 = grads(dynamic);
          const d2 = grads(declared);
          const outShape = theano.function(dynamic, d1.out)(...points).shape;
          const uVal = valuesAwayFromKinks(outShape, seed + 99);
          const got = theano.function([...dynamic, d1.u], d1.g)(...points, uVal);
          const want = theano.function([...declared, d2.u], d2.g)(...points, uVal);
          got.forEach((g, i) => {
            expect(g.shape).toEqual(shapes[i]);
            // Equal values (+0 and -0 alike).
            expect(Array.from(g.data, (v) => v + 0)).toEqual(Array.from(want[i]!.data, (v) => v + 0));
          });
        }),
        15,
      );
    });
  }

  it('incSubtensor: the gradient of a value broadcast into the region is summed back to its shape', () => {
    assertProperty(
      fc.property(fc.integer({ min: 2, max: 4 }), fc.integer({ min: 1, max: 4 }), fc.boolean(), seedArb, (n, m, row, seed) => {
        const yShape = row ? [1, m] : [m];
        const points = [valuesAwayFromKinks([n, m], seed), valuesAwayFromKinks(yShape, seed + 1)];
        const r = checkGrad((x, y) => T.tanh(T.incSubtensor(x.get(T.slice(0, n - 1)), y!)), points);
        expect(r.status).toBe('passed');
      }),
      10,
    );
  });
});
