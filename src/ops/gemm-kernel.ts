import type { TypedArray } from '../ir/dtype.js';

/**
 * Generated matrix-multiply kernels: O = beta*Z + alpha*op(A)·op(B) for row-major operands, op = transpose or not;
 * Z may broadcast (a row or column stride of 0).
 * One kernel per variant, compiled once with `new Function`, so each sees one set of array types (monomorphic)
 * and carries no branches on the variant in its loops. Accumulation is in float64, as the reference dot.
 */
export interface GemmVariant {
  transA: boolean;
  transB: boolean;
  /** Reads Z (beta*Z + …); without it the output is alpha*A·B. */
  accumulate: boolean;
  /** Array types of A, B, Z and O, e.g. 'Float32Array': a kernel per combination stays monomorphic. */
  types: string;
  /** Round each stage to float32 as the unfused graph stores it (dot, then alpha*dot, then the sum). */
  float32: boolean;
}

export type GemmKernel = (m: number, n: number, k: number, A: TypedArray, B: TypedArray, Z: TypedArray | null, zRow: number, zCol: number, O: TypedArray, alpha: number, beta: number, acc: Float64Array, skipZerosOfA: boolean) => void;

const cache = new Map<string, { fn: GemmKernel; source: string }>();

export function gemmKernel(v: GemmVariant): { fn: GemmKernel; source: string } {
  const key = `${v.transA}|${v.transB}|${v.accumulate}|${v.float32}|${v.types}`;
  let k = cache.get(key);
  if (!k) {
    const source = gemmSource(v);
    k = { fn: new Function('m', 'n', 'k', 'A', 'B', 'Z', 'zRow', 'zCol', 'O', 'alpha', 'beta', 'acc', 'skipZerosOfA', source) as GemmKernel, source };
    cache.set(key, k);
  }
  return k;
}

/** The store of one output element from its float64 sum, rounded stage by stage like the unfused graph. */
function storeExpr(sum: string, accumulate: boolean, float32: boolean): string {
  const r = (e: string) => (float32 ? `Math.fround(${e})` : e);
  const scaled = r(`alpha * ${r(sum)}`);
  return accumulate ? r(`${r('beta * Z[zi + j * zCol]')} + ${scaled}`) : scaled;
}

function gemmSource({ transA, transB, accumulate, float32 }: GemmVariant): string {
  const a = (i: string, p: string) => (transA ? `A[${p} * m + ${i}]` : `A[${i} * k + ${p}]`);
  if (transB && !transA) {
    // Rows of A against rows of B: both contiguous, a dot product per output element.
    return `"use strict";
for (let i = 0, o = 0, zi = 0; i < m; i++, o += n, zi += zRow) {
  const ai = i * k;
  for (let j = 0; j < n; j++) {
    const bj = j * k;
    let s = 0;
    for (let p = 0; p < k; p++) s += A[ai + p] * B[bj + p];
    O[o + j] = ${storeExpr('s', accumulate, float32)};
  }
}`;
  }
  const bRow = transB ? '' : 'const bp = p * n;';
  const b = transB ? 'B[j * k + p]' : 'B[bp + j]';
  // i-p-j order: each non-zero of A scales a row of B into the accumulator row (zeros skipped: MNIST pixels).
  return `"use strict";
for (let i = 0, o = 0, zi = 0; i < m; i++, o += n, zi += zRow) {
  acc.fill(0, 0, n);
  for (let p = 0; p < k; p++) {
    const av = ${a('i', 'p')};
    if (av === 0 && skipZerosOfA) continue;
    ${bRow}
    for (let j = 0; j < n; j++) acc[j] += av * ${b};
  }
  for (let j = 0; j < n; j++) O[o + j] = ${storeExpr('acc[j]', accumulate, float32)};
}`;
}
