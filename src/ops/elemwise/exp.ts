import type { Variable } from '../../ir/variable.js';
import { Elemwise, dtypeRules } from './elemwise.js';
import { elemwise } from './build.js';
import { mul } from './mul.js';

export const expOp = new Elemwise({
  name: 'exp',
  arity: 1,
  render: ([a]) => `Math.exp(${a})`,
  outDType: dtypeRules.float,
  grad: (_x, z, gz) => [mul(gz, z)],
});

export function exp(a: Variable): Variable {
  return elemwise(expOp, a);
}
