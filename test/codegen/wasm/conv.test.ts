import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as theano from '../../../src/index.js';
import { T } from '../../../src/index.js';
import { wasmSimdAvailable } from '../../../src/codegen/wasm/gemm.js';

const initial = theano.config.wasm;
afterEach(() => {
  theano.config.wasm = initial;
});

const geometryArb = fc.record({
  batch: fc.integer({ min: 1, max: 3 }),
  C: fc.integer({ min: 1, max: 8 }), // up to 200 taps: gradFilters' grouped product from 128
  O: fc.integer({ min: 1, max: 9 }),
  fR: fc.integer({ min: 1, max: 5 }),
  fW: fc.integer({ min: 1, max: 5 }),
  extraR: fc.integer({ min: 0, max: 12 }),
  extraW: fc.integer({ min: 0, max: 20 }),
  border: fc.constantFrom<'valid' | 'full' | 'half' | 'pad'>('valid', 'full', 'half', 'pad'),
  stride: fc.constantFrom(1, 1, 1, 2),
  flip: fc.boolean(),
  seed: fc.integer({ min: 0, max: 9999 }),
});

/** conv2d, its two gradients (from a random output gradient) and their kernels' backends, on the wasm or JS path. */
type Geometry = typeof geometryArb extends fc.Arbitrary<infer G> ? G : never;

function run(wasm: 'auto' | 'off', g: Geometry) {
  theano.config.wasm = wasm;
  const H = g.fR + g.extraR;
  const W = g.fW + g.extraW;
  const borderMode = g.border === 'pad' ? ([Math.floor(g.fR / 2) + 1, 1] as [number, number]) : g.border;
  const rng = new theano.RandomState(g.seed);
  const [x, w] = [T.ftensor4('x'), T.ftensor4('w')];
  const y = T.nnet.conv2d(x, w, { borderMode, subsample: [g.stride, g.stride], filterFlip: g.flip });
  const gy = T.ftensor4('gy');
  const cost = T.sum(y.mul(gy));
  const f = theano.function([x, w, gy], [y, ...T.grad(cost, [x, w])]);
  const xv = theano.ndarray(new Float32Array(rng.normal(0, 1, g.batch * g.C * H * W)), [g.batch, g.C, H, W]);
  const wv = theano.ndarray(new Float32Array(rng.normal(0, 1, g.O * g.C * g.fR * g.fW)), [g.O, g.C, g.fR, g.fW]);
  const yShape = [...theano.function([x, w], y)(xv, wv).shape];
  const gv = theano.ndarray(
    new Float32Array(
      rng.normal(
        0,
        1,
        yShape.reduce((a, b) => a * b, 1),
      ),
    ),
    yShape,
  );
  return { outs: f(xv, wv, gv), backends: f.kernels().map((k) => `${k.name.split('{')[0]}:${k.backend}`) };
}

describe.skipIf(!wasmSimdAvailable())('convolutions as whole wasm kernels', () => {
  it('property: forward and both gradients agree with the JS kernels for any border mode, size, flip and batch', () => {
    fc.assert(
      fc.property(geometryArb, (g) => {
        const fast = run('auto', g);
        const plain = run('off', g);
        expect(fast.backends).toEqual(expect.arrayContaining(['conv2d:cpu-wasm', 'conv2dGradInputs:cpu-wasm', 'conv2dGradFilters:cpu-wasm']));
        const terms = g.C * g.fR * g.fW + g.O * g.fR * g.fW + g.batch * (g.fR + g.extraR) * (g.fW + g.extraW);
        fast.outs.forEach((a, i) => {
          const ref = plain.outs[i]!.data;
          expect(a.shape).toEqual(plain.outs[i]!.shape);
          for (let j = 0; j < ref.length; j++) expect(Math.abs(a.data[j]! - ref[j]!)).toBeLessThanOrEqual(2e-6 * terms * (1 + Math.abs(ref[j]!)));
        });
      }),
      { seed: 11, numRuns: 150 },
    );
  });

  it('the filter gradient of many taps (one product per group of images) agrees too: odd widths, padding, flips', () => {
    for (const [C, extraW, border, flip] of [
      [8, 5, 'valid', true],
      [6, 2, 'full', false],
      [7, 0, 'half', true],
      [8, 9, 'pad', false],
    ] as const) {
      const g = { batch: 3, C, O: 9, fR: 5, fW: 5, extraR: 3, extraW, border, stride: 1 as const, flip, seed: C };
      const fast = run('auto', g);
      const plain = run('off', g);
      const terms = C * 25 + 9 * 25 + 3 * 8 * (5 + extraW);
      fast.outs.forEach((a, i) => {
        const ref = plain.outs[i]!.data;
        for (let j = 0; j < ref.length; j++) expect(Math.abs(a.data[j]! - ref[j]!)).toBeLessThanOrEqual(2e-6 * terms * (1 + Math.abs(ref[j]!)));
      });
    }
  });

  it("empty batches, channels and filter banks run the ops' own code (found by the fuzzer: out-of-bounds before)", () => {
    for (const [xs, ws] of [
      [
        [1, 0, 1, 1],
        [1, 0, 1, 1],
      ],
      [
        [0, 2, 5, 5],
        [3, 2, 3, 3],
      ],
      [
        [2, 2, 5, 5],
        [0, 2, 3, 3],
      ],
    ]) {
      const results = (['auto', 'off'] as const).map((wasm) => {
        theano.config.wasm = wasm;
        const [x, w] = [T.ftensor4('x'), T.ftensor4('w')];
        const y = T.nnet.conv2d(x, w);
        const f = theano.function([x, w], [y, ...T.grad(T.sum(y), [x, w])]);
        const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
        return f(theano.ndarray(new Float32Array(size(xs!)).fill(1), xs!), theano.ndarray(new Float32Array(size(ws!)).fill(1), ws!)).map((a) => [
          a.shape,
          Array.from(a.data),
        ]);
      });
      expect(results[0]).toEqual(results[1]);
    }
  });
});
