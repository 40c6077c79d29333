import { sqr } from '../ops/elemwise/sqr.js';
import { uniformConstant } from './match.js';
import type { Rule } from './rewrite.js';
import { gemmRules } from './specialize-gemm.js';

export const powTwoToSqr: Rule = {
  name: 'powTwoToSqr',
  doc: 'x ** 2 -> sqr(x)',
  tags: ['specialize'],
  tracks: ['pow'],
  rewrite(node) {
    const [x, e] = node.inputs;
    const out = node.outputs[0]!;
    return uniformConstant(e!) === 2 && e!.type.shape.every((d) => d === 1) && x!.dtype === out.dtype ? [sqr(x!)] : null;
  },
};

export const specializeRules = [powTwoToSqr, ...gemmRules];
