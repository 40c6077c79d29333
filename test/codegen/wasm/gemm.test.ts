import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createWasmGemm, wasmSimdAvailable, type WasmGemm, type WasmGemmCall } from '../../../src/codegen/wasm/gemm.js';

function rand(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 4294967296 - 0.5;
  }
  return out;
}

/** beta·C + alpha·op(A)·op(B) in float64, with Σ|terms| per element for the error bound. */
function reference(
  m: number,
  n: number,
  k: number,
  A: Float32Array,
  B: Float32Array,
  C: Float32Array,
  { transA = false, transB = false, alpha = 1, beta = 0 }: WasmGemmCall,
) {
  const value = new Float64Array(m * n);
  const magnitude = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      let a = 0;
      for (let p = 0; p < k; p++) {
        const t = (transA ? A[p * m + i]! : A[i * k + p]!) * (transB ? B[j * k + p]! : B[p * n + j]!);
        s += t;
        a += Math.abs(t);
      }
      const z = beta === 0 ? 0 : beta * C[i * n + j]!;
      value[i * n + j] = z + alpha * s;
      magnitude[i * n + j] = Math.abs(z) + Math.abs(alpha) * a;
    }
  }
  return { value, magnitude };
}

/** Largest error over its float32 bound (≤ 1 passes): 1e-6·(k + 2) of the magnitude of the terms. */
function check(g: WasmGemm, m: number, n: number, k: number, call: WasmGemmCall, seed: number): number {
  const A = rand(m * k, seed);
  const B = rand(k * n, seed + 1);
  const C = rand(m * n, seed + 2);
  const { value, magnitude } = reference(m, n, k, A, B, C, call);
  g.gemm(m, n, k, A, B, C, call);
  let worst = 0;
  for (let i = 0; i < m * n; i++) worst = Math.max(worst, Math.abs(C[i]! - value[i]!) / (1e-6 * (k + 2) * magnitude[i]! + 1e-30));
  return worst;
}

describe.skipIf(!wasmSimdAvailable())('wasm SIMD gemm', () => {
  let g: WasmGemm;
  beforeAll(async () => {
    g = await createWasmGemm();
  });

  it('detects SIMD', () => {
    expect(wasmSimdAvailable()).toBe(true);
  });

  it('matches a float64 reference on random shapes, all transpositions, alpha and beta', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 40 }),
        fc.boolean(),
        fc.boolean(),
        fc.constantFrom(1, 0.5, -2),
        fc.constantFrom(0, 1, 0.25),
        fc.constantFrom<boolean | 'auto'>('auto', true, false),
        fc.integer({ min: 0, max: 1 << 30 }),
        (m, n, k, transA, transB, alpha, beta, packB, seed) => {
          expect(check(g, m, n, k, { transA, transB, alpha, beta, packB }, seed)).toBeLessThanOrEqual(1);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('covers sizes 1 and the edges of the 4×8 tile', () => {
    for (const [m, n, k] of [
      [1, 1, 1],
      [1, 9, 1],
      [5, 1, 3],
      [4, 8, 1],
      [3, 7, 2],
      [5, 9, 257],
      [129, 17, 3],
    ] as const) {
      for (const transA of [false, true])
        for (const transB of [false, true]) expect(check(g, m, n, k, { transA, transB, alpha: 1.5, beta: 0.5 }, m * 31 + n)).toBeLessThanOrEqual(1);
    }
  });

  it("matches on the book's shapes (k and m beyond the cache blocks)", () => {
    const shapes: [number, number, number, string][] = [
      [10, 100, 784, 'FC forward 10×784 · 784×100'],
      [784, 100, 10, 'FC dW (10×784)ᵀ · 10×100'],
      [40, 64, 500, 'conv as GEMM 40×500 · 500×64'],
    ];
    for (const [m, n, k] of shapes) {
      for (const transA of [false, true]) {
        for (const transB of [false, true]) expect(check(g, m, n, k, { transA, transB, alpha: 1, beta: transA ? 1 : 0 }, m + n + k)).toBeLessThanOrEqual(1);
      }
    }
  });

  it('propagates NaN and Inf (0·Inf is NaN); beta = 0 does not read C', () => {
    const m = 5, n = 9, k = 6; // prettier-ignore
    for (const packB of [true, false]) {
      const A = rand(m * k, 1);
      const B = rand(k * n, 2);
      A[0] = Infinity; // A[0, 0]
      B[0] = 0; // B[0, 0]: C[0, 0] gets Inf·0
      B[1] = 2; // B[0, 1]: C[0, 1] gets +Inf
      B[3 * n + 4] = NaN; // B[3, 4]: column 4 all NaN
      const C = new Float32Array(m * n).fill(NaN);
      g.gemm(m, n, k, A, B, C, { packB });
      expect(C[0]).toBeNaN();
      expect(C[1]).toBe(Infinity);
      for (let i = 0; i < m; i++) expect(C[i * n + 4]).toBeNaN();
      expect(Number.isFinite(C[1 * n + 0]!)).toBe(true); // beta = 0: the NaN already in C is not read
      const D = new Float32Array(m * n);
      D[2 * n + 3] = NaN;
      D[2 * n + 2] = -Infinity;
      g.gemm(m, n, k, A, B, D, { beta: 1, packB });
      expect(D[2 * n + 3]).toBeNaN();
      expect(D[2 * n + 2]).toBe(-Infinity);
      expect(Number.isFinite(D[2 * n + 1]!)).toBe(true);
    }
  });

  it('grows its memory across calls of growing size and stays right afterwards', () => {
    const start = g.memory.buffer.byteLength;
    for (const size of [8, 64, 200, 420]) expect(check(g, size, size, size, { beta: 1 }, size)).toBeLessThanOrEqual(1);
    expect(g.memory.buffer.byteLength).toBeGreaterThan(Math.max(start, 3 * 420 * 420 * 4));
    expect(check(g, 3, 5, 7, { transA: true, transB: true, beta: 0.5 }, 9)).toBeLessThanOrEqual(1);
  });

  it('k = 0 scales C; bad sizes and short operands throw', () => {
    const C = new Float32Array([1, 2, 3, 4]);
    g.gemm(2, 2, 0, new Float32Array(0), new Float32Array(0), C, { beta: 2 });
    expect([...C]).toEqual([2, 4, 6, 8]);
    expect(() => g.gemm(2, 2, 2, new Float32Array(3), new Float32Array(4), new Float32Array(4))).toThrow(RangeError);
    expect(() => g.gemm(2.5, 2, 2, new Float32Array(6), new Float32Array(6), new Float32Array(6))).toThrow(RangeError);
  });

  it('builds other register tiles (2×16, 1×4) that agree too', async () => {
    for (const tile of [
      { mr: 2, nv: 4 },
      { mr: 1, nv: 1 },
    ]) {
      const other = await createWasmGemm({ tile, kc: 64, mc: 16 });
      for (const [m, n, k] of [
        [1, 1, 1],
        [3, 17, 70],
        [37, 33, 129],
      ] as const) {
        for (const transA of [false, true])
          for (const transB of [false, true]) expect(check(other, m, n, k, { transA, transB, alpha: 0.5, beta: 2 }, m + k)).toBeLessThanOrEqual(1);
      }
    }
  });

  it('prints its kernel as WAT', () => {
    const wat = g.wat();
    expect(wat).toMatch(/^\(module/);
    for (const op of ['v128.load32_splat', 'f32x4.mul', 'f32x4.add', '(export "strip"', '(export "packBT4"', 'i8x16.shuffle']) expect(wat).toContain(op);
  });
});
