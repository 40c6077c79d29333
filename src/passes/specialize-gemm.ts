import { constant } from '../ir/constant.js';
import type { FunctionGraph } from '../ir/fgraph.js';
import { Constant, type Apply, type Variable } from '../ir/variable.js';
import { isFloat } from '../ir/dtype.js';
import { neg } from '../ops/elemwise/neg.js';
import { gemm, Gemm } from '../ops/gemm.js';
import { gemv, Gemv } from '../ops/gemv.js';
import type { Rule } from './rewrite.js';
import { asScalar } from './match.js';
import { sumToShape } from '../ops/sum-to-shape.js';
import { shapeOf } from '../ops/shape.js';

/** x when v = x.T (dimshuffle{1,0} of a matrix). */
function transposed(v: Variable): Variable | undefined {
  const node = v.owner;
  return node && node.op.name === 'dimshuffle' && (node.op.params as { pattern: string }).pattern === '1,0' ? node.inputs[0] : undefined;
}

/** The gemm without Z that computes v, when v feeds only `user` and is no output of the function. */
function soleGemmProduct(v: Variable, user: Apply, fg: FunctionGraph): Apply | undefined {
  const node = v.owner;
  if (!node || !(node.op instanceof Gemm) || node.op.params.accumulate) return undefined;
  if (fg.outputs.includes(v) || fg.clients(v).some((c) => c.node !== user)) return undefined;
  return node;
}

const isOne = (v: Variable) => v instanceof Constant && v.value.size === 1 && v.value.data[0] === 1;

export const dotToGemm: Rule = {
  name: 'dotToGemm',
  doc: 'dot(A, B) of matrices -> gemm(1, A, B), a transposed operand read in place: dot(x.T, y) -> gemm{transA}(1, x, y); matrix and vector -> gemv (v·M = Mᵀ·v)',
  tags: ['specialize'],
  tracks: ['dot'],
  rewrite(node) {
    const [a, b] = node.inputs as [Variable, Variable];
    const out = node.outputs[0]!;
    if (!isFloat(out.dtype) || a.dtype !== out.dtype || b.dtype !== out.dtype) return null;
    const one = constant(1, out.dtype);
    const ta = transposed(a);
    const tb = transposed(b);
    if (a.ndim === 2 && b.ndim === 2) return [gemm({ transA: !!ta, transB: !!tb, accumulate: false }, [one, ta ?? a, tb ?? b])];
    if (a.ndim === 2 && b.ndim === 1) return [gemv({ transA: !!ta, accumulate: false }, [one, ta ?? a, b])];
    if (a.ndim === 1 && b.ndim === 2) return [gemv({ transA: !tb, accumulate: false }, [one, tb ?? b, a])];
    return null;
  },
};

export const scaleIntoGemm: Rule = {
  name: 'scaleIntoGemm',
  doc: 's * gemm(1, A, B) -> gemm(s, A, B) for a scalar s',
  tags: ['specialize'],
  tracks: ['mul'],
  rewrite(node, fg) {
    if (node.inputs.length !== 2) return null;
    for (const k of [0, 1]) {
      const g = soleGemmProduct(node.inputs[k]!, node, fg);
      const s = asScalar(node.inputs[1 - k]!);
      if (!g || !s || !isOne(g.inputs[0]!) || node.outputs[0]!.dtype !== g.outputs[0]!.dtype) continue;
      return [(g.op as Gemm).rebuild((g.op as Gemm).params, [s, g.inputs[1]!, g.inputs[2]!])];
    }
    return null;
  },
};

export const addIntoGemm: Rule = {
  name: 'addIntoGemm',
  doc: 'Z + gemm(s, A, B) -> gemm(Z, 1, s, A, B) (gemv alike); Z - gemm(s, A, B) -> gemm(Z, 1, -s, A, B); gemm(s, A, B) - Z -> gemm(Z, -1, s, A, B)',
  tags: ['specialize'],
  tracks: ['add', 'sub'],
  rewrite(node, fg) {
    if (node.inputs.length !== 2) return null;
    const out = node.outputs[0]!;
    for (const k of [1, 0]) {
      const g = soleGemmProduct(node.inputs[k]!, node, fg);
      const z = node.inputs[1 - k]!;
      if (!g || z.ndim !== out.ndim || z.dtype !== out.dtype || g.outputs[0]!.dtype !== out.dtype) continue;
      const [alpha, a, b] = g.inputs as [Variable, Variable, Variable];
      const subtracting = node.op.name === 'sub';
      const negAlpha = alpha instanceof Constant ? constant(-alpha.value.data[0]!, alpha.dtype) : neg(alpha);
      const [beta, scale] = !subtracting ? [1, alpha] : k === 1 ? [1, negAlpha] : [-1, alpha];
      return [(g.op as Gemm).rebuild({ ...(g.op as Gemm).params, accumulate: true }, [z, constant(beta, out.dtype), scale, a, b])];
    }
    return null;
  },
};

export const sumToShapeOfProduct: Rule = {
  name: 'sumToShapeOfProduct',
  doc: 'sumTo(g, gemm(s, A, B)) -> sumToShape(g, rows of op(A), columns of op(B)): the product is needed only for its shape',
  tags: ['specialize'],
  tracks: ['sumTo'],
  rewrite(node) {
    const ref = node.inputs[1]!.owner;
    if (!ref || !(ref.op instanceof Gemm) || ref.op.params.accumulate) return null;
    const { transA, transB } = ref.op.params;
    const rows = shapeOf(ref.inputs[1]!, transA ? 1 : 0);
    return [sumToShape(node.inputs[0]!, ref.op instanceof Gemv ? [rows] : [rows, shapeOf(ref.inputs[2]!, transB ? 0 : 1)])];
  },
};

export const gemmRules: readonly Rule[] = [dotToGemm, sumToShapeOfProduct, scaleIntoGemm, addIntoGemm];
