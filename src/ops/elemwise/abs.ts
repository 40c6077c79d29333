import type { Variable } from '../../ir/variable.js';
import { Elemwise, dtypeRules } from './elemwise.js';
import { elemwise } from './build.js';
import { mul } from './mul.js';
import { sgn } from './sgn.js';

export const absOp = new Elemwise({
  name: 'abs',
  arity: 1,
  render: ([a]) => `Math.abs(${a})`,
  outDType: dtypeRules.same,
  grad: ([x], _z, gz) => [mul(gz, sgn(x!))],
});

export function abs(a: Variable): Variable {
  return elemwise(absOp, a);
}
