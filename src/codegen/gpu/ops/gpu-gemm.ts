import { Gemm, type GemmParams } from '../../../ops/gemm.js';
import type { Apply } from '../../../ir/variable.js';
import { oneStage, unflattenIndex, type GpuRendering, type GpuShapes } from '../kernel-spec.js';
import { productSum } from './gpu-dot.js';

/**
 * gemm and gemv (a gemv is a gemm whose B, Z and output are one-column matrices): out = beta·Z + alpha·op(A)·op(B),
 * Z broadcasting against the product and, as in Gemm.perform, the product against a larger Z. alpha and beta are
 * one-element inputs.
 */
export function renderGemm(node: Apply, { inputs, outputs: [outShape] }: GpuShapes): GpuRendering {
  const { transA, transB, accumulate } = (node.op as Gemm).params as GemmParams;
  const asMatrix = (s: readonly number[]) => (s.length === 2 ? s : [s[0]!, 1]);
  const off = accumulate ? 3 : 1;
  const aShape = inputs[off]!;
  const bShape = asMatrix(inputs[off + 1]!);
  const [m, k] = transA ? [aShape[1]!, aShape[0]!] : [aShape[0]!, aShape[1]!];
  const n = transB ? bShape[0]! : bShape[1]!;
  const [rows, cols] = asMatrix(outShape!);
  // A size-1 axis of the product or of Z is read at index 0 along it (broadcast).
  const pick = (size: number, idx: string) => (size === 1 ? '0' : idx);
  const [i, j] = [pick(m, 'o0'), pick(n, 'o1')];
  const sum = productSum(
    k,
    (p) => (transA ? `${p} * ${m} + ${i}` : `${i} * ${k} + ${p}`),
    (p) => (transB ? `${j} * ${k} + ${p}` : `${p} * ${n} + ${j}`),
  );
  let value = 'alpha[0] * s';
  let params = 'alpha, a, b';
  if (accumulate) {
    const [zr, zc] = asMatrix(inputs[0]!);
    value = `beta[0] * z[${pick(zr!, 'o0')} * ${zc} + ${pick(zc!, 'o1')}] + ${value}`;
    params = `z, beta, ${params}`;
  }
  const source = `function (${params}) { ${unflattenIndex('this.thread.x', [rows!, cols!], 'o')} ${sum} return ${value}; }`;
  return oneStage(
    source,
    inputs.map((_, i) => i),
    rows! * cols!,
    k,
    node.op.name,
  );
}
