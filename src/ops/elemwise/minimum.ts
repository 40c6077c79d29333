import type { Variable } from '../../ir/variable.js';
import { Elemwise, dtypeRules } from './elemwise.js';
import { elemwise } from './build.js';
import { extremumGrad } from './maximum.js';

export const minimumOp = new Elemwise({
  name: 'minimum',
  arity: 2,
  render: ([a, b]) => `(${a} !== ${a} || ${a} < ${b} ? ${a} : ${b})`,
  outDType: dtypeRules.arithmetic,
  grad: (inputs, z, gz) => extremumGrad(inputs, z, gz),
});

export function minimum(a: Variable, b: Variable): Variable {
  return elemwise(minimumOp, a, b);
}
