import { Constant, type Variable } from '../ir/variable.js';

/** Ops through which a zero stays zero whatever the other operands hold (NaN·0 aside, as Theano). */
const ZERO_PRESERVING = new Set(['mul', 'neg', 'dimshuffle', 'sumTo', 'cast', 'reshape', 'sum', 'mean']);

/**
 * True when `v` is zero by construction: an all-zero constant, a fill with zero, or an op above that keeps a
 * zero operand zero. The gradient walk uses it so that terms multiplied by 0 (an L2 term with lmbda = 0) pass
 * no gradient and their subgraphs are never built.
 */
export function isKnownZero(v: Variable, depth = 0): boolean {
  if (v instanceof Constant) return v.value.data.every((x) => x === 0);
  const node = v.owner;
  if (!node || depth > 8) return false;
  if (node.op.name === 'fill') return isKnownZero(node.inputs[1]!, depth + 1);
  if (node.op.name === 'mul') return node.inputs.some((x) => isKnownZero(x, depth + 1));
  if (ZERO_PRESERVING.has(node.op.name)) return isKnownZero(node.inputs[0]!, depth + 1);
  return false;
}
