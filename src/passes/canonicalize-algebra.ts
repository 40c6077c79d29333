import { isFloat, isInteger } from '../ir/dtype.js';
import { apply1 } from '../ir/op.js';
import { Constant, type Variable } from '../ir/variable.js';
import { Elemwise } from '../ops/elemwise/elemwise.js';
import { mul } from '../ops/elemwise/mul.js';
import { zerosLike } from '../ops/grad-helpers.js';
import { asScalar, producedBy } from './match.js';
import type { Rule } from './rewrite.js';

/** Ops whose outputs are never negative (or NaN): log is defined on them, so exp undoes it. */
const NON_NEGATIVE = ['exp', 'sqr', 'abs', 'sigmoid', 'softplus', 'relu', 'sqrt'];

export const subSelf: Rule = {
  name: 'subSelf',
  doc: 'x - x -> 0 for integers (not for floats: Inf - Inf is NaN)',
  tags: ['canonicalize'],
  tracks: ['sub'],
  rewrite(node) {
    const [a, b] = node.inputs as [Variable, Variable];
    const out = node.outputs[0]!;
    return a === b && isInteger(out.dtype) && a.dtype === out.dtype ? [zerosLike(a)] : null;
  },
};

export const logOfExp: Rule = {
  name: 'logOfExp',
  doc: 'log(exp(x)) -> x (also where exp(x) would overflow to Inf)',
  tags: ['canonicalize'],
  tracks: ['log'],
  rewrite(node) {
    const e = producedBy(node.inputs[0]!, 'exp');
    return e && e.inputs[0]!.dtype === node.outputs[0]!.dtype ? [e.inputs[0]!] : null;
  },
};

export const expOfLog: Rule = {
  name: 'expOfLog',
  doc: 'exp(log(x)) -> x where x cannot be negative (x = exp(.), sqr(.), abs(.), sigmoid(.), softplus(.), relu(.), sqrt(.))',
  tags: ['canonicalize'],
  tracks: ['exp'],
  rewrite(node) {
    const l = producedBy(node.inputs[0]!, 'log');
    const x = l?.inputs[0];
    return x && x.owner && NON_NEGATIVE.includes(x.owner.op.name) && x.dtype === node.outputs[0]!.dtype ? [x] : null;
  },
};

export const sumOfScaled: Rule = {
  name: 'sumOfScaled',
  doc: 'sum(s * x), mean(s * x) -> s * sum(x), s * mean(x) for a finite constant s: one multiply instead of one per element (an infinite or unknown s would turn sums over 0 * s terms or empty axes from NaN/0 into other values)',
  tags: ['canonicalize'],
  tracks: ['sum', 'mean'],
  rewrite(node, fg) {
    const m = producedBy(node.inputs[0]!, 'mul');
    const out = node.outputs[0]!;
    if (!m || m.inputs.length !== 2 || !isFloat(out.dtype) || fg.clients(m.outputs[0]!).length !== 1) return null;
    for (const k of [0, 1]) {
      const s = asScalar(m.inputs[k]!);
      const x = m.inputs[1 - k]!;
      if (!(s instanceof Constant) || !Number.isFinite(s.value.item()) || s.dtype !== out.dtype || x.dtype !== out.dtype || x.ndim !== m.outputs[0]!.ndim)
        continue;
      return [mul(s, apply1(node.op, [x]))];
    }
    return null;
  },
};

export const fillOfUnary: Rule = {
  name: 'fillOfUnary',
  doc: "fill(f(x), v) -> fill(x, v) for a one-input elementwise f: fill reads only its first argument's shape, so f(x) need not be computed for it",
  tags: ['canonicalize'],
  tracks: ['fill'],
  rewrite(node) {
    const ref = node.inputs[0]!.owner;
    if (!ref || !(ref.op instanceof Elemwise) || ref.inputs.length !== 1) return null;
    return [apply1(node.op, [ref.inputs[0]!, node.inputs[1]!])];
  },
};

export const algebraRules: readonly Rule[] = [subSelf, logOfExp, expOfLog, sumOfScaled, fillOfUnary];
