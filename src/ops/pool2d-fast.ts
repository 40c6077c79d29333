/**
 * Max pooling and its gradient for the book's case: whole, non-overlapping 2×2 windows (PoolGeometry.pairs).
 * No window tables: a window's four elements lie in two contiguous rows; in the gradient each element lies in
 * at most one window, so it is written once rather than zero-filled and accumulated. The results are those of
 * the general kernels (pool2d.ts, pool2d-grad.ts) bit for bit; only the work differs.
 */
import type { TypedArray } from '../ir/dtype.js';
import type { PoolGeometry } from './pool-geometry.js';

/** Int32 views of float32 arrays, kept per array: the runtime reuses its buffers, so this allocates once. */
const views = new WeakMap<Float32Array, Int32Array>();
export function int32View(a: Float32Array): Int32Array {
  let v = views.get(a);
  if (!v) {
    v = new Int32Array(a.buffer, a.byteOffset, a.length);
    views.set(a, v);
  }
  return v;
}

/** 2×2 max pooling; an odd last row or column is outside every window. */
export function pairsMax(X: TypedArray, O: TypedArray, g: PoolGeometry): void {
  if (X instanceof Float32Array && O instanceof Float32Array) return pairsMaxF32(int32View(X), int32View(O), g);
  const { w, planes } = g;
  const plane = g.h * w;
  const oh = g.h >> 1;
  const ow = w >> 1;
  let o = 0;
  for (let n = 0, base = 0; n < planes; n++, base += plane) {
    for (let i = 0; i < oh; i++) {
      for (let k = base + 2 * i * w, end = k + 2 * ow; k < end; k += 2) O[o++] = Math.max(X[k]!, X[k + 1]!, X[k + w]!, X[k + w + 1]!);
    }
  }
}

/*
 * Float32 max on the bits, branch-free like poolMaxF32 (pool2d.ts), with NaN found more cheaply: keys are
 * poolMaxF32's order-preserving ones shifted down by 0x7fffff with wrap-around, which moves NaNs of either sign
 * (just above +Infinity or just below -Infinity) above +Infinity's key, 0x7f000001. A window's largest key is
 * then a NaN's exactly when the window holds one (a rarely taken branch), and the output the canonical NaN, as
 * in poolMaxF32. Two windows a round share the arrays' checks (V8 repeats them every round), which saves about
 * 10%; the steps are written out because helper functions for them measured about 10% slower.
 */
const INF_KEY = 0x7f000001;
const NAN_BITS = 0x7fc00000;

function pairsMaxF32(XI: Int32Array, OI: Int32Array, g: PoolGeometry): void {
  const { w, planes } = g;
  const plane = g.h * w;
  const oh = g.h >> 1;
  const ow = w >> 1;
  let o = 0;
  for (let n = 0, base = 0; n < planes; n++, base += plane) {
    for (let i = 0; i < oh; i++) {
      let k = base + 2 * i * w;
      const end = k + 2 * ow;
      for (; k < end - 2; k += 4, o += 2) {
        const a0 = XI[k]!;
        const b0 = XI[k + 1]!;
        const c0 = XI[k + w]!;
        const d0 = XI[k + w + 1]!;
        const a1 = XI[k + 2]!;
        const b1 = XI[k + 3]!;
        const c1 = XI[k + w + 2]!;
        const d1 = XI[k + w + 3]!;
        const ka0 = ((a0 ^ ((a0 >> 31) & 0x7fffffff)) - 0x7fffff) | 0;
        const kb0 = ((b0 ^ ((b0 >> 31) & 0x7fffffff)) - 0x7fffff) | 0;
        const kc0 = ((c0 ^ ((c0 >> 31) & 0x7fffffff)) - 0x7fffff) | 0;
        const kd0 = ((d0 ^ ((d0 >> 31) & 0x7fffffff)) - 0x7fffff) | 0;
        const ka1 = ((a1 ^ ((a1 >> 31) & 0x7fffffff)) - 0x7fffff) | 0;
        const kb1 = ((b1 ^ ((b1 >> 31) & 0x7fffffff)) - 0x7fffff) | 0;
        const kc1 = ((c1 ^ ((c1 >> 31) & 0x7fffffff)) - 0x7fffff) | 0;
        const kd1 = ((d1 ^ ((d1 >> 31) & 0x7fffffff)) - 0x7fffff) | 0;
        // max(p, q) = p ^ ((p ^ q) & mask), the mask all ones when q > p.
        const kab0 = ka0 ^ ((ka0 ^ kb0) & -(kb0 > ka0));
        const kcd0 = kc0 ^ ((kc0 ^ kd0) & -(kd0 > kc0));
        const m0 = kab0 ^ ((kab0 ^ kcd0) & -(kcd0 > kab0));
        const kab1 = ka1 ^ ((ka1 ^ kb1) & -(kb1 > ka1));
        const kcd1 = kc1 ^ ((kc1 ^ kd1) & -(kd1 > kc1));
        const m1 = kab1 ^ ((kab1 ^ kcd1) & -(kcd1 > kab1));
        // Back from keys to bits: the inverse shift, then the key map again (it is its own inverse).
        const u0 = (m0 + 0x7fffff) | 0;
        const u1 = (m1 + 0x7fffff) | 0;
        OI[o] = m0 > INF_KEY ? NAN_BITS : u0 ^ ((u0 >> 31) & 0x7fffffff);
        OI[o + 1] = m1 > INF_KEY ? NAN_BITS : u1 ^ ((u1 >> 31) & 0x7fffffff);
      }
      if (k < end) OI[o++] = windowMaxF32(XI, k, w);
    }
  }
}

/** pairsMaxF32's computation for one window: the last of a row with an odd number of windows. */
function windowMaxF32(XI: Int32Array, k: number, w: number): number {
  const m = Math.max(keyOf(XI[k]!), keyOf(XI[k + 1]!), keyOf(XI[k + w]!), keyOf(XI[k + w + 1]!));
  const u = (m + 0x7fffff) | 0;
  return m > INF_KEY ? NAN_BITS : u ^ ((u >> 31) & 0x7fffffff);
}

function keyOf(bits: number): number {
  return ((bits ^ ((bits >> 31) & 0x7fffffff)) - 0x7fffff) | 0;
}

/**
 * The gradient of 2×2 max pooling: each element gets its window's gz where it equals the window's max (every
 * tie; NaN equals nothing), else 0, as maxGrad's `0 + (x === z ? gz : 0)`. Writes all of GX, the rows and
 * columns outside every window included. The selection is a table lookup, as in maxGrad (a branch on the
 * comparison would mispredict often); two windows a round share the arrays' checks.
 */
export function pairsMaxGrad(X: TypedArray, Z: TypedArray, GZ: TypedArray, GX: TypedArray, g: PoolGeometry): void {
  const { w, planes } = g;
  const plane = g.h * w;
  const oh = g.h >> 1;
  const ow = w >> 1;
  let o = 0;
  for (let n = 0, base = 0; n < planes; n++, base += plane) {
    for (let i = 0; i < oh; i++) {
      let k = base + 2 * i * w;
      const end = k + 2 * ow;
      for (; k < end - 2; k += 4, o += 2) {
        const m0 = Z[o]!;
        const m1 = Z[o + 1]!;
        // + 0 turns -0 into +0 (and quiets a NaN), as adding into maxGrad's zeroed GX does.
        pick[1] = GZ[o]! + 0;
        pick[3] = GZ[o + 1]! + 0;
        GX[k] = pick[+(X[k] === m0)]!;
        GX[k + 1] = pick[+(X[k + 1] === m0)]!;
        GX[k + w] = pick[+(X[k + w] === m0)]!;
        GX[k + w + 1] = pick[+(X[k + w + 1] === m0)]!;
        GX[k + 2] = pick[2 + +(X[k + 2] === m1)]!;
        GX[k + 3] = pick[2 + +(X[k + 3] === m1)]!;
        GX[k + w + 2] = pick[2 + +(X[k + w + 2] === m1)]!;
        GX[k + w + 3] = pick[2 + +(X[k + w + 3] === m1)]!;
      }
      if (k < end) {
        const m = Z[o]!;
        pick[1] = GZ[o++]! + 0;
        GX[k] = pick[+(X[k] === m)]!;
        GX[k + 1] = pick[+(X[k + 1] === m)]!;
        GX[k + w] = pick[+(X[k + w] === m)]!;
        GX[k + w + 1] = pick[+(X[k + w + 1] === m)]!;
        k += 2;
      }
      if (w & 1) GX[k] = GX[k + w] = 0;
    }
    if (g.h & 1) GX.fill(0, base + plane - w, base + plane);
  }
}

/** [0, gz, 0, gz']: indexed by a comparison's result, 0 or one window's gz. */
const pick = new Float64Array(4);
