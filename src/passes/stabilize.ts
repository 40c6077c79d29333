import type { Variable } from '../ir/variable.js';
import { log1p } from '../ops/elemwise/log1p.js';
import { neg } from '../ops/elemwise/neg.js';
import { softplus } from '../ops/elemwise/softplus.js';
import { logSoftmax } from '../ops/log-softmax.js';
import { crossentropySoftmax1Hot, isRowRangeOf } from '../ops/crossentropy-1hot.js';
import { producedBy, uniformConstant } from './match.js';
import type { Rule } from './rewrite.js';

export const logOfSoftmax: Rule = {
  name: 'logOfSoftmax',
  doc: 'log(softmax(x)) -> logSoftmax(x)',
  tags: ['stabilize'],
  tracks: ['log'],
  rewrite(node) {
    const sm = producedBy(node.inputs[0]!, 'softmax');
    return sm ? [logSoftmax(sm.inputs[0]!)] : null;
  },
};

export const logOnePlus: Rule = {
  name: 'logOnePlus',
  doc: 'log(1 + x), log(x + 1) -> log1p(x)',
  tags: ['stabilize'],
  tracks: ['log'],
  rewrite(node) {
    const sum = producedBy(node.inputs[0]!, 'add');
    if (!sum) return null;
    const out = node.outputs[0]!;
    const [a, b] = sum.inputs as [Variable, Variable];
    const x =
      uniformConstant(a) === 1 && a.type.shape.every((d) => d === 1) ? b : uniformConstant(b) === 1 && b.type.shape.every((d) => d === 1) ? a : undefined;
    return x && x.dtype === out.dtype ? [log1p(x)] : null;
  },
};

export const logOfSigmoid: Rule = {
  name: 'logOfSigmoid',
  doc: 'log(sigmoid(x)) -> -softplus(-x)',
  tags: ['stabilize'],
  tracks: ['log'],
  rewrite(node) {
    const s = producedBy(node.inputs[0]!, 'sigmoid');
    return s && s.inputs[0]!.dtype === node.outputs[0]!.dtype ? [neg(softplus(neg(s.inputs[0]!)))] : null;
  },
};

export const logOneMinusSigmoid: Rule = {
  name: 'logOneMinusSigmoid',
  doc: 'log(1 - sigmoid(x)) -> -softplus(x)',
  tags: ['stabilize'],
  tracks: ['log'],
  rewrite(node) {
    const diff = producedBy(node.inputs[0]!, 'sub');
    if (!diff || uniformConstant(diff.inputs[0]!) !== 1 || !diff.inputs[0]!.type.shape.every((d) => d === 1)) return null;
    const s = producedBy(diff.inputs[1]!, 'sigmoid');
    return s && s.inputs[0]!.dtype === node.outputs[0]!.dtype ? [neg(softplus(s.inputs[0]!))] : null;
  },
};

export const logSoftmaxOneHot: Rule = {
  name: 'logSoftmaxOneHot',
  doc: 'logSoftmax(x)[arange(y.shape[0]), y] -> -crossentropySoftmax1Hot(x, y)',
  tags: ['stabilize'],
  tracks: ['advancedSubtensor'],
  rewrite(node) {
    const ls = producedBy(node.inputs[0]!, 'logSoftmax');
    if (!ls || node.inputs.length !== 3 || ls.inputs[0]!.ndim !== 2) return null;
    const [, rows, labels] = node.inputs as [Variable, Variable, Variable];
    return isRowRangeOf(rows, labels) ? [neg(crossentropySoftmax1Hot(ls.inputs[0]!, labels))] : null;
  },
};

export const stabilizeRules: readonly Rule[] = [logOfSoftmax, logSoftmaxOneHot, logOnePlus, logOfSigmoid, logOneMinusSigmoid];
