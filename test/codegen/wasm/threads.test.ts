import { afterEach, describe, expect, it } from 'vitest';
import * as theano from '../../../src/index.js';
import { T } from '../../../src/index.js';
import { defaultWasmGemm, wasmFusedMultiplyAdd } from '../../../src/codegen/wasm/default-gemm.js';
import { wasmSimdAvailable } from '../../../src/codegen/wasm/gemm.js';
import { parseFlags } from '../../../src/util/config.js';

const initial = { threads: theano.config.threads, wasm: theano.config.wasm };
afterEach(() => {
  theano.config.threads = initial.threads;
  theano.config.wasm = initial.wasm;
});

function rand(n: number, seed: number): Float32Array {
  const rng = new theano.RandomState(seed);
  return new Float32Array(rng.normal(0, 1, n));
}

describe.skipIf(!wasmSimdAvailable())('wasm kernels on several threads', () => {
  it('a large product split over 2 (or 5, more than the cores) threads, by rows or by columns, equals the one-thread product bit for bit', () => {
    const wasm = defaultWasmGemm()!;
    for (const [m, n, k] of [
      [203, 301, 157], // more row tiles than panels: split by rows
      [37, 301, 311], // more panels: split by columns
    ] as const) {
      const [A, B] = [rand(m * k, 1), rand(k * n, 2)];
      const run = (threads: number, transB: boolean) => {
        theano.config.threads = threads;
        const C = rand(m * n, 3);
        wasm.gemm(m, n, k, A, B, C, { transB, alpha: 0.5, beta: 2 });
        return C;
      };
      for (const transB of [false, true]) {
        const one = run(1, transB);
        expect(wasm.threads()).toBe(1);
        const two = run(2, transB);
        expect(wasm.threads()).toBe(2);
        expect(Array.from(two)).toEqual(Array.from(one));
        expect(Array.from(run(5, transB))).toEqual(Array.from(one));
      }
      // The workers really ran parts (a busy machine may have the calling thread take some over).
      const before = wasm.listsRunByWorkers();
      for (let i = 0; i < 20; i++) run(2, false);
      expect(wasm.listsRunByWorkers()).toBeGreaterThan(before);
    }
  });

  it("network3's second convolution layer and both gradients agree between 1 and 2 threads", () => {
    const xv = theano.ndarray(rand(10 * 20 * 12 * 12, 4), [10, 20, 12, 12]);
    const wv = theano.ndarray(rand(40 * 20 * 5 * 5, 5), [40, 20, 5, 5]);
    const gv = theano.ndarray(rand(10 * 40 * 8 * 8, 6), [10, 40, 8, 8]);
    const [x, w, gz] = [T.ftensor4('x'), T.ftensor4('w'), T.ftensor4('gz')];
    const y = T.nnet.conv2d(x, w);
    const f = theano.function([x, w, gz], [y, ...T.grad(T.sum(y.mul(gz)), [x, w])]);
    theano.config.threads = 1;
    const one = f(xv, wv, gv);
    theano.config.threads = 2;
    const two = f(xv, wv, gv);
    // The forward and the input gradient do the same sums per element; the filter gradient adds two halves.
    expect(Array.from(two[0]!.data)).toEqual(Array.from(one[0]!.data));
    expect(Array.from(two[1]!.data)).toEqual(Array.from(one[1]!.data));
    const scale = Math.max(...Array.from(one[2]!.data, Math.abs));
    two[2]!.data.forEach((v, i) => expect(Math.abs(v - one[2]!.data[i]!)).toBeLessThanOrEqual(1e-5 * scale));
  });

  it("wasm=simd runs separate multiplies and adds; 'auto' fuses them where the engine has relaxed SIMD; both agree", () => {
    const [m, n, k] = [64, 48, 300];
    const [A, B] = [rand(m * k, 7), rand(k * n, 8)];
    const product = () => {
      const C = new Float32Array(m * n);
      defaultWasmGemm()!.gemm(m, n, k, A, B, C);
      return C;
    };
    theano.config.wasm = 'simd';
    expect(wasmFusedMultiplyAdd()).toBe(false);
    expect(defaultWasmGemm()!.wat()).not.toMatch(/relaxed_madd/);
    const plain = product();
    theano.config.wasm = 'auto';
    if (wasmFusedMultiplyAdd()) expect(defaultWasmGemm()!.wat()).toMatch(/f32x4\.relaxed_madd/);
    const fused = product();
    for (let i = 0; i < m * n; i++) {
      let ref = 0;
      let mag = 0;
      for (let p = 0; p < k; p++) {
        const term = A[Math.floor(i / n) * k + p]! * B[p * n + (i % n)]!;
        ref += term;
        mag += Math.abs(term);
      }
      expect(Math.abs(plain[i]! - ref)).toBeLessThanOrEqual(1e-6 * k * mag);
      expect(Math.abs(fused[i]! - ref)).toBeLessThanOrEqual(1e-6 * k * mag);
    }
  });

  it('threads is a setting: TSANO_FLAGS=threads=N, 0 for the machine, bad values named', () => {
    expect(parseFlags('threads=2')).toEqual({ threads: 2 });
    expect(() => parseFlags('threads=two')).toThrow(/threads must be an integer 0..256/);
    expect(() => {
      theano.config.threads = -1;
    }).toThrow(/threads must be an integer/);
  });
});

describe.skipIf(!wasmSimdAvailable() || !defaultWasmGemm()?.heap)('float32 buffers in the wasm heap', () => {
  it('products of shared variables and intermediates run in place (no copies) and agree with the JS kernels, any m', () => {
    for (const [m, k, n] of [
      [7, 13, 5],
      [10, 784, 100],
      [1, 3, 9],
      [12, 8, 8],
    ] as const) {
      const run = (wasm: 'auto' | 'off') => {
        theano.config.wasm = wasm;
        const a = theano.shared(theano.ndarray(rand(m * k, m), [m, k]), { name: 'a' });
        const b = theano.shared(theano.ndarray(rand(k * n, n), [k, n]), { name: 'b' });
        const bias = theano.shared(theano.ndarray(rand(n, 1), [n]), { name: 'bias' });
        const h = T.dot(a, b).add(bias); // Z: a broadcast row
        const z = T.dot(a.T, h); // both operands in the heap: a (moved there) and h (a heap buffer)
        const upd = b.sub(T.dot(a.T, h).mul(0.01)); // accumulates into b's own storage
        const f = theano.function([], [h, z], { updates: [[b, upd]] });
        const before = defaultWasmGemm()!.stats.inPlace;
        const outs = [...f(), ...f()].map((o) => Array.from(o.data));
        return { outs, b: Array.from(b.getValue().data), inPlace: defaultWasmGemm()!.stats.inPlace - before };
      };
      const js = run('off');
      const fast = run('auto');
      expect(fast.inPlace).toBeGreaterThanOrEqual(4);
      [...fast.outs, fast.b].forEach((got, i) => {
        const want = [...js.outs, js.b][i]!;
        const scale = Math.max(1, ...want.map(Math.abs));
        got.forEach((v, j) => expect(Math.abs(v - want[j]!)).toBeLessThanOrEqual(2e-6 * (k + n) * scale));
      });
    }
  });
});
