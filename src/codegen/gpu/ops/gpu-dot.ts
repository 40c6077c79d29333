import type { Apply } from '../../../ir/variable.js';
import { oneStage, unflattenIndex, type GpuRendering, type GpuShapes } from '../kernel-spec.js';

/**
 * Kernel statements that leave Σ_p a[aAt(p)] · b[bAt(p)] over p < k in `s`: `aAt` and `bAt` give the flat index of
 * the p-th term's element of each operand (the output's row and column, and any transposition, built in). Shared by
 * dot, gemm and gemv.
 */
export function productSum(k: number, aAt: (p: string) => string, bAt: (p: string) => string): string {
  return `let s = 0.0; for (let p = 0; p < ${k}; p++) { s += a[${aAt('p')}] * b[${bAt('p')}]; }`;
}

/** NumPy's dot for vectors and matrices: a vector is a 1×k row on the left, a k×1 column on the right. */
export function renderDot(_node: Apply, { inputs: [aShape, bShape] }: GpuShapes): GpuRendering {
  const m = aShape!.length === 2 ? aShape![0]! : 1;
  const k = aShape![aShape!.length - 1]!;
  const n = bShape!.length === 2 ? bShape![1]! : 1;
  const sum = productSum(
    k,
    (p) => `o0 * ${k} + ${p}`,
    (p) => `${p} * ${n} + o1`,
  );
  const source = `function (a, b) { ${unflattenIndex('this.thread.x', [m, n], 'o')} ${sum} return s; }`;
  return oneStage(source, [0, 1], m * n, k, 'dot');
}
