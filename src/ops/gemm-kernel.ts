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

export type GemmKernel = (
  m: number,
  n: number,
  k: number,
  A: TypedArray,
  B: TypedArray,
  Z: TypedArray | null,
  zRow: number,
  zCol: number,
  O: TypedArray,
  alpha: number,
  beta: number,
  acc: Float64Array,
  skipZerosOfA: boolean,
) => void;

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

/** The store of out[row, col] from its float64 sum, rounded stage by stage like the unfused graph. */
function store(row: string, col: string, sum: string, accumulate: boolean, float32: boolean): string {
  const r = (e: string) => (float32 ? `Math.fround(${e})` : e);
  const scaled = r(`alpha * ${r(sum)}`);
  const value = accumulate ? r(`${r(`beta * Z[(${row}) * zRow + (${col}) * zCol]`)} + ${scaled}`) : scaled;
  return `O[(${row}) * n + ${col}] = ${value};`;
}

const T = 4;
const tile = (f: (r: number, c: number) => string, sep = ' ') => Array.from({ length: T * T }, (_, x) => f(Math.floor(x / T), x % T)).join(sep);

function gemmSource({ transA, transB, accumulate, float32 }: GemmVariant): string {
  const a = (i: string, p: string) => (transA ? `A[(${p}) * m + ${i}]` : `A[(${i}) * k + ${p}]`);
  const b = (p: string, j: string) => (transB ? `B[(${j}) * k + ${p}]` : `B[(${p}) * n + ${j}]`);
  const put = (row: string, col: string, sum: string) => store(row, col, sum, accumulate, float32);
  if (transB && !transA) {
    // Rows of A against rows of B: both contiguous, a dot product per output element.
    return `"use strict";
for (let i = 0; i < m; i++) {
  const ai = i * k;
  for (let j = 0; j < n; j++) {
    const bj = j * k;
    let s = 0;
    for (let p = 0; p < k; p++) s += A[ai + p] * B[bj + p];
    ${put('i', 'j', 's')}
  }
}`;
  }
  // 4x4 tiles of the output held in sixteen locals over the whole of k (sums in the order p = 0..k-1, as the
  // unfused dot); a step where the tile's four values of A are all zero is skipped (MNIST pixels, ReLUs).
  // Rows and columns beyond the last full tile take the row-at-a-time loop and dot products.
  return `"use strict";
const m4 = m - m % ${T}, n4 = n - n % ${T};
for (let i = 0; i < m4; i += ${T}) {
  for (let j = 0; j < n4; j += ${T}) {
    let ${tile((r, c) => `c${r}${c} = 0`, ', ')};
    for (let p = 0; p < k; p++) {
      const ${[0, 1, 2, 3].map((r) => `a${r} = ${a(`i + ${r}`, 'p')}`).join(', ')};
      if (skipZerosOfA && a0 === 0 && a1 === 0 && a2 === 0 && a3 === 0) continue;
      const ${[0, 1, 2, 3].map((c) => `b${c} = ${b('p', `j + ${c}`)}`).join(', ')};
      ${tile((r, c) => `c${r}${c} += a${r} * b${c};`)}
    }
    ${tile((r, c) => put(`i + ${r}`, `j + ${c}`, `c${r}${c}`), '\n    ')}
  }
  for (let r = i; r < i + ${T}; r++) {
    for (let j = n4; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) {
        const av = ${a('r', 'p')};
        if (av === 0 && skipZerosOfA) continue;
        s += av * ${b('p', 'j')};
      }
      ${put('r', 'j', 's')}
    }
  }
}
for (let i = m4; i < m; i++) {
  acc.fill(0, 0, n);
  for (let p = 0; p < k; p++) {
    const av = ${a('i', 'p')};
    if (av === 0 && skipZerosOfA) continue;
    for (let j = 0; j < n; j++) acc[j] += av * ${b('p', 'j')};
  }
  for (let j = 0; j < n; j++) ${put('i', 'j', 'acc[j]')}
}`;
}
