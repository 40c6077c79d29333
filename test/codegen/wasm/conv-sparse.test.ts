import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as theano from '../../../src/index.js';
import { T } from '../../../src/index.js';
import { wasmSimdAvailable } from '../../../src/codegen/wasm/gemm.js';
import { sparseConvOptions, sparseConvStats } from '../../../src/codegen/cpu/wasm-conv-sparse.js';

const initial = theano.config.wasm;
afterEach(() => {
  theano.config.wasm = initial;
  sparseConvOptions.force = false;
});

const geometryArb = fc.record({
  batch: fc.integer({ min: 1, max: 3 }),
  C: fc.integer({ min: 1, max: 6 }),
  O: fc.integer({ min: 1, max: 9 }),
  fR: fc.integer({ min: 1, max: 6 }),
  fW: fc.integer({ min: 1, max: 9 }),
  extraR: fc.integer({ min: 0, max: 10 }),
  extraW: fc.integer({ min: 0, max: 14 }),
  border: fc.constantFrom<'valid' | 'full' | 'half' | 'pad'>('valid', 'full', 'half', 'pad'),
  flip: fc.boolean(),
  density: fc.constantFrom(0, 0.03, 0.15, 0.3, 0.6),
  seed: fc.integer({ min: 0, max: 9999 }),
});
type Geometry = typeof geometryArb extends fc.Arbitrary<infer G> ? G : never;

/** Both gradients of conv2d for an output gradient with the given share of nonzeros; x may get one special value. */
function grads(wasm: 'auto' | 'off', g: Geometry, special?: { at: 'x' | 'w' | 'gy'; value: number }) {
  theano.config.wasm = wasm;
  const [H, W] = [g.fR + g.extraR, g.fW + g.extraW];
  const borderMode = g.border === 'pad' ? ([Math.floor(g.fR / 2) + 1, 1] as [number, number]) : g.border;
  const rng = new theano.RandomState(g.seed);
  const [x, w, gy] = [T.ftensor4('x'), T.ftensor4('w'), T.ftensor4('gy')];
  const y = T.nnet.conv2d(x, w, { borderMode, filterFlip: g.flip });
  const f = theano.function([x, w, gy], T.grad(T.sum(y.mul(gy)), [x, w]));
  const values = {
    x: new Float32Array(rng.normal(0, 1, g.batch * g.C * H * W)),
    w: new Float32Array(rng.normal(0, 1, g.O * g.C * g.fR * g.fW)),
  };
  const xv = theano.ndarray(values.x, [g.batch, g.C, H, W]);
  const wv = theano.ndarray(values.w, [g.O, g.C, g.fR, g.fW]);
  const yShape = [...theano.function([x, w], y)(xv, wv).shape];
  const size = yShape.reduce((a, b) => a * b, 1);
  const keep = rng.uniform(0, 1, size);
  const gyData = new Float32Array(rng.normal(0, 1, size).map((v, i) => (keep[i]! < g.density ? v : 0)));
  if (special) ({ ...values, gy: gyData })[special.at][0] = special.value;
  return f(xv, wv, theano.ndarray(gyData, yShape));
}

function expectClose(a: theano.NDArray[], b: theano.NDArray[], terms: number) {
  a.forEach((out, i) => {
    const ref = b[i]!.data;
    expect(out.shape).toEqual(b[i]!.shape);
    for (let j = 0; j < ref.length; j++) {
      if (!Number.isFinite(ref[j]!)) expect(out.data[j]).toBe(ref[j]);
      else expect(Math.abs(out.data[j]! - ref[j]!)).toBeLessThanOrEqual(2e-6 * terms * (1 + Math.abs(ref[j]!)));
    }
  });
}

describe.skipIf(!wasmSimdAvailable())('convolution gradients that skip the zeros of a sparse output gradient', () => {
  it('property: both gradients agree with the JS kernels for sparse gradients, any border mode, size and flip', () => {
    // Forced: the sparse kernels run on every geometry they can take, whether or not they would pay there.
    sparseConvOptions.force = true;
    const before = { ...sparseConvStats };
    fc.assert(
      fc.property(geometryArb, (g) => {
        const terms = g.C * g.fR * g.fW + g.O * g.fR * g.fW + g.batch * (g.fR + g.extraR) * (g.fW + g.extraW);
        expectClose(grads('auto', g), grads('off', g), terms);
      }),
      { seed: 12, numRuns: 150 },
    );
    // Filters up to eight wide take the sparse kernels (the generated geometries mostly are).
    expect(sparseConvStats.gradInputs - before.gradInputs).toBeGreaterThan(100);
    expect(sparseConvStats.gradFilters - before.gradFilters).toBeGreaterThan(100);
  });

  it('they run where they pay: many taps per output and a sparse gradient, as behind network3 layer 2 max-pooling', () => {
    const layer2: Geometry = { batch: 2, C: 20, O: 8, fR: 5, fW: 5, extraR: 7, extraW: 7, border: 'valid', flip: true, density: 0.15, seed: 5 };
    for (const [g, taken] of [
      [layer2, 1],
      [{ ...layer2, density: 0.6 }, 0], // dense gradient: counted, then the dense kernels
      [{ ...layer2, C: 1, extraR: 23, extraW: 23 }, 0], // layer 1: 25 taps, too few to repay the gather
      [{ ...layer2, fR: 1, fW: 1 }, 0], // one tap per row of eight lanes
    ] as const) {
      const before = { ...sparseConvStats };
      const fast = grads('auto', g);
      expect(sparseConvStats).toEqual({ gradInputs: before.gradInputs + taken, gradFilters: before.gradFilters + taken });
      expectClose(fast, grads('off', g), 2000);
    }
  });

  it('a filter wider than eight, or an Inf or NaN among its operands, runs the dense kernels even when forced', () => {
    sparseConvOptions.force = true;
    const base: Geometry = { batch: 2, C: 3, O: 4, fR: 3, fW: 3, extraR: 4, extraW: 5, border: 'valid', flip: true, density: 0.15, seed: 3 };
    // Per case: whether gradInputs (w, gy) and gradFilters (x, gy) may skip zeros: 0 · Inf is NaN, skipping would hide it.
    const cases: [Geometry, Parameters<typeof grads>[2], number, number][] = [
      [{ ...base, fW: 9 }, undefined, 0, 0],
      [base, { at: 'x', value: Infinity }, 1, 0],
      [base, { at: 'w', value: NaN }, 0, 1],
      [base, { at: 'gy', value: -Infinity }, 0, 0],
    ];
    for (const [g, special, inputs, filters] of cases) {
      const before = { ...sparseConvStats };
      const fast = grads('auto', g, special);
      expect(sparseConvStats).toEqual({ gradInputs: before.gradInputs + inputs, gradFilters: before.gradFilters + filters });
      expectClose(fast, grads('off', g, special), 200);
    }
    // The same geometry, finite and sparse, does take them.
    const before = sparseConvStats.gradFilters;
    grads('auto', base);
    expect(sparseConvStats.gradFilters).toBe(before + 1);
  });
});
