import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import binaryen from 'binaryen';
import { readFileSync } from 'node:fs';
import * as theano from '../../../src/index.js';
import { T, type SharedVariable, type Variable } from '../../../src/index.js';
import { generatedGemmSource } from '../../../src/codegen/wasm/gemm-generate.js';
import type { Binaryen } from '../../../src/codegen/wasm/gemm-builder.js';

const initial = theano.config.wasm;
afterEach(() => {
  theano.config.wasm = initial;
});

/** |got - want| within float32 rounding of sums of k terms of size up to `scale`. */
function close(got: ArrayLike<number>, want: ArrayLike<number>, k: number, scale: number): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) expect(Math.abs(got[i]! - want[i]!)).toBeLessThanOrEqual(4e-7 * (k + 2) * scale + 1e-6 * Math.abs(want[i]!));
}

describe('the CPU backend runs float32 matrix products as WebAssembly SIMD kernels', () => {
  it('f.kernels() shows the wasm kernel and its WAT; float64 and wasm=off stay on the JS kernel', () => {
    const [x, w] = [T.matrix('x'), T.matrix('w')];
    const k = theano.function([x, w], T.dot(x, w)).kernels()[0]!;
    expect(k.backend).toBe('cpu-wasm');
    expect(k.source).toMatch(/^\(module/);
    expect(k.source).toMatch(/f32x4\.mul|f32x4\.add/);
    const [a, b] = [T.dmatrix('a'), T.dmatrix('b')];
    expect(theano.function([a, b], T.dot(a, b)).kernels()[0]!.backend).toBe('cpu');
    theano.config.wasm = 'off';
    expect(theano.function([x, w], T.dot(x, w)).kernels()[0]!.backend).toBe('cpu');
  });

  it('property: every gemm form agrees with the graph as written to float32 rounding', () => {
    fc.assert(
      fc.property(
        fc.record({ m: fc.integer({ min: 1, max: 20 }), n: fc.integer({ min: 1, max: 20 }), k: fc.integer({ min: 1, max: 40 }) }),
        fc.boolean(),
        fc.boolean(),
        fc.constantFrom('z-s*p', 'p+bias', 's*p', 'p', 'p-z'),
        fc.integer({ min: 0, max: 999 }),
        ({ m, n, k }, transA, transB, form, seed) => {
          const rng = new theano.RandomState(seed);
          const mat = (r: number, c: number) => theano.ndarray(new Float32Array(rng.normal(0, 1, r * c)), [r, c]);
          const [a, b, z, bias, s] = [T.matrix('a'), T.matrix('b'), T.matrix('z'), T.vector('bias'), T.scalar('s')];
          const p = T.dot(transA ? a.T : a, transB ? b.T : b);
          const out = { 'z-s*p': z.sub(p.mul(s)), 'p+bias': p.add(bias), 's*p': T.mul(s, p), p, 'p-z': p.sub(z) }[form];
          const inputs = [a, b, z, bias, s];
          const fast = theano.function(inputs, out, { onUnusedInput: 'ignore' });
          expect(fast.kernels().some((kr) => kr.backend === 'cpu-wasm')).toBe(true);
          const plain = theano.function(inputs, out, { onUnusedInput: 'ignore', mode: 'FAST_COMPILE' });
          const args = [
            transA ? mat(k, m) : mat(m, k),
            transB ? mat(n, k) : mat(k, n),
            mat(m, n),
            theano.ndarray(new Float32Array(rng.normal(0, 1, n)), [n]),
            theano.ndarray(new Float32Array([1.5]), []),
          ];
          close(fast(...args).data, plain(...args).data, k, 4);
        },
      ),
      { seed: 8, numRuns: 120 },
    );
  });

  it("an SGD step updates in place through the wasm kernel and matches the JS kernel's step", () => {
    const run = (wasm: 'auto' | 'off') => {
      theano.config.wasm = wasm;
      const rng = new theano.RandomState(3);
      const w = theano.shared(theano.ndarray(new Float32Array(rng.normal(0, 0.1, 784 * 30)), [784, 30]), { name: 'w' });
      const x = T.matrix('x');
      const y = T.ivector('y');
      const cost = T.mean(T.log(T.nnet.softmax(T.dot(x, w))).get(T.arange(y.shape(0)), y)).neg();
      const f = theano.function([x, y], cost, { updates: [[w, w.sub(T.grad(cost, w).mul(0.5))]] as [SharedVariable, Variable][] });
      const xs = theano.ndarray(new Float32Array(rng.uniform(0, 1, 10 * 784).map((v) => (v < 0.8 ? 0 : v))), [10, 784]);
      const ys = theano.ndarray(new Int32Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 0]), [10]);
      const costs = [0, 1, 2].map(() => f(xs, ys).item());
      return { costs, w: w.getValue().data, kernels: f.kernels() };
    };
    const js = run('off');
    const wasm = run('auto');
    expect(wasm.kernels.filter((k) => k.backend === 'cpu-wasm').length).toBeGreaterThanOrEqual(2);
    expect(wasm.kernels.some((k) => k.overwrites === 'w')).toBe(true);
    wasm.costs.forEach((c, i) => expect(c).toBeCloseTo(js.costs[i]!, 5));
    close(wasm.w, js.w, 784, 1);
    expect(wasm.costs[2]).toBeLessThan(wasm.costs[0]!);
  });

  it("conv2d and both its gradients run their GEMM in wasm and agree with the JS kernels (network3's second layer)", () => {
    const rng = new theano.RandomState(5);
    const xv = theano.ndarray(new Float32Array(rng.normal(0, 1, 10 * 20 * 12 * 12)), [10, 20, 12, 12]);
    const wv = theano.ndarray(new Float32Array(rng.normal(0, 0.1, 40 * 20 * 5 * 5)), [40, 20, 5, 5]);
    const build = (wasm: 'auto' | 'off') => {
      theano.config.wasm = wasm;
      const [x, w] = [T.ftensor4('x'), T.ftensor4('w')];
      const y = T.nnet.conv2d(x, w, { inputShape: [10, 20, 12, 12], filterShape: [40, 20, 5, 5] });
      const cost = T.sum(T.sqr(y));
      return theano.function([x, w], [y, ...T.grad(cost, [x, w])]);
    };
    const fast = build('auto');
    expect(
      fast
        .kernels()
        .filter((k) => k.backend === 'cpu-wasm')
        .map((k) => k.name.split('{')[0]),
    ).toEqual(expect.arrayContaining(['conv2d', 'conv2dGradInputs', 'conv2dGradFilters']));
    const plain = build('off');
    const [a, b] = [fast(xv, wv), plain(xv, wv)];
    a.forEach((arr, i) => {
      const ref = b[i]!.data;
      const scale = Array.from(ref).reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      for (let j = 0; j < ref.length; j++) expect(Math.abs(arr.data[j]! - ref[j]!)).toBeLessThanOrEqual(2e-5 * scale);
    });
  });

  it('a product with one row broadcast over a larger Z falls back to the JS kernel and stays right', () => {
    const [a, b, z] = [T.matrix('a'), T.matrix('b'), T.matrix('z')];
    const f = theano.function([a, b, z], T.dot(a, b).add(z));
    const got = f(
      theano.ndarray(new Float32Array([1, 1]), [1, 2]),
      theano.ndarray(new Float32Array([1, 0, 0, 1]), [2, 2]),
      theano.ndarray(new Float32Array([1, 2, 3, 4, 5, 6]), [3, 2]),
    );
    expect(got.toArray()).toEqual([
      [2, 3],
      [4, 5],
      [6, 7],
    ]);
  });

  it('the committed module is what scripts/gen-wasm-gemm.ts builds from gemm-builder.ts (npm run gen:wasm)', () => {
    const committed = readFileSync(new URL('../../../src/codegen/wasm/gemm-binary.generated.ts', import.meta.url), 'utf8');
    expect(committed).toBe(generatedGemmSource(binaryen as unknown as Binaryen));
  });
});
