import type { Variable } from '../../ir/variable.js';
import { Elemwise, dtypeRules } from './elemwise.js';
import { elemwise } from './build.js';
import { mul } from './mul.js';
import { sigmoid } from './sigmoid.js';

/** log(1 + exp(x)) without overflow for large x. */
export const softplusOp = new Elemwise({
  name: 'softplus',
  arity: 1,
  render: ([a]) => `(${a} > 0 ? ${a} + Math.log1p(Math.exp(-${a})) : Math.log1p(Math.exp(${a})))`,
  outDType: dtypeRules.float,
  grad: ([x], _z, gz) => [mul(gz, sigmoid(x!))],
});

export function softplus(a: Variable): Variable {
  return elemwise(softplusOp, a);
}
