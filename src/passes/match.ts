import type { Apply, Variable } from '../ir/variable.js';
import { Constant } from '../ir/variable.js';
import { constant } from '../ir/constant.js';

/** The value of a constant whose elements are all equal (a scalar or a broadcast-shaped one), else undefined. */
export function uniformConstant(v: Variable): number | undefined {
  if (!(v instanceof Constant)) return undefined;
  const d = v.value.data;
  if (d.length === 0) return undefined;
  const first = d[0]!;
  for (let i = 1; i < d.length; i++) if (d[i] !== first) return undefined;
  return first;
}

/** The node that computes `v` when it is an application of op `name`. */
export function producedBy(v: Variable, name: string): Apply | undefined {
  return v.owner && v.owner.op.name === name ? v.owner : undefined;
}

/**
 * True when `x` can stand for the output of `node` unchanged: same dtype, and the other operand (a one-element
 * constant) does not broadcast it to a larger shape.
 */
export function canStandFor(x: Variable, node: Apply, other: Variable): boolean {
  const out = node.outputs[0]!;
  return x.dtype === out.dtype && x.ndim === out.ndim && other instanceof Constant && other.value.size === 1;
}

/** A 0-d variable with the value of a one-element `s` (a scalar broadcast by dimshuffle, or a constant). */
export function asScalar(s: Variable): Variable | undefined {
  if (s.ndim === 0) return s;
  if (s instanceof Constant && s.value.size === 1) return constant(s.value.data[0]!, s.dtype);
  const node = s.owner;
  if (node && node.op.name === 'dimshuffle' && node.inputs[0]!.ndim === 0) return node.inputs[0];
  return undefined;
}
