import type { Apply, Variable } from '../ir/variable.js';
import { constant } from '../ir/constant.js';
import { DimShuffle, dimshuffle } from '../ops/dimshuffle.js';
import { reshape } from '../ops/reshape.js';
import { canStandFor, producedBy, uniformConstant } from './match.js';
import type { Rule } from './rewrite.js';
import { algebraRules } from './canonicalize-algebra.js';

/** `x op c -> x` (either side where the op commutes) for an identity element c. */
function identityRule(name: string, op: string, symbol: string, identity: number, commutes: boolean): Rule {
  return {
    name,
    doc: commutes ? `${identity} ${symbol} x, x ${symbol} ${identity} -> x` : `x ${symbol} ${identity} -> x`,
    tags: ['canonicalize'],
    tracks: [op],
    rewrite(node: Apply): readonly Variable[] | null {
      const [a, b] = node.inputs as [Variable, Variable];
      if (uniformConstant(b) === identity && canStandFor(a, node, b)) return [a];
      if (commutes && uniformConstant(a) === identity && canStandFor(b, node, a)) return [b];
      return null;
    },
  };
}

export const mulByOne = identityRule('mulByOne', 'mul', '*', 1, true);
export const addZero = identityRule('addZero', 'add', '+', 0, true);
export const subZero = identityRule('subZero', 'sub', '-', 0, false);
export const divByOne = identityRule('divByOne', 'div', '/', 1, false);

export const mulByZeroScalar: Rule = {
  name: 'mulByZeroScalar',
  doc: 'x * 0, 0 * x -> 0 for scalars (no broadcasting; NaN * 0 aside, as Theano)',
  tags: ['canonicalize'],
  tracks: ['mul'],
  rewrite(node) {
    const out = node.outputs[0]!;
    if (out.ndim !== 0 || !node.inputs.some((v) => uniformConstant(v) === 0)) return null;
    return [constant(0, out.dtype)];
  },
};

export const doubleNeg: Rule = {
  name: 'doubleNeg',
  doc: '--x -> x',
  tags: ['canonicalize'],
  tracks: ['neg'],
  rewrite(node) {
    const inner = producedBy(node.inputs[0]!, 'neg');
    return inner && inner.inputs[0]!.dtype === node.outputs[0]!.dtype ? [inner.inputs[0]!] : null;
  },
};

export const mergeDimshuffles: Rule = {
  name: 'mergeDimshuffles',
  doc: 'x.dimshuffle(p).dimshuffle(q) -> x.dimshuffle(p∘q)',
  tags: ['canonicalize'],
  tracks: ['dimshuffle'],
  rewrite(node) {
    const inner = producedBy(node.inputs[0]!, 'dimshuffle');
    if (!inner) return null;
    const p = (inner.op as DimShuffle).pattern;
    const q = (node.op as DimShuffle).pattern;
    return [
      dimshuffle(
        inner.inputs[0]!,
        q.map((k) => (k === 'x' ? 'x' : p[k]!)),
      ),
    ];
  },
};

export const mergeReshapes: Rule = {
  name: 'mergeReshapes',
  doc: 'x.reshape(s1).reshape(s2) -> x.reshape(s2)',
  tags: ['canonicalize'],
  tracks: ['reshape'],
  rewrite(node) {
    const inner = producedBy(node.inputs[0]!, 'reshape');
    return inner ? [reshape(inner.inputs[0]!, node.inputs.slice(1))] : null;
  },
};

export const dropGradientBlockers: Rule = {
  name: 'dropGradientBlockers',
  doc: 'zeroGrad(x), disconnectedGrad(x) -> x (they only matter to T.grad, which has run)',
  tags: ['canonicalize'],
  tracks: ['zeroGrad', 'disconnectedGrad'],
  rewrite(node) {
    return [node.inputs[0]!];
  },
};

export const canonicalizeRules: readonly Rule[] = [
  dropGradientBlockers,
  mulByZeroScalar,
  mulByOne,
  addZero,
  subZero,
  divByOne,
  doubleNeg,
  mergeDimshuffles,
  mergeReshapes,
  ...algebraRules,
];
