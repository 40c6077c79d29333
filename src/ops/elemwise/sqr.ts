import type { Variable } from '../../ir/variable.js';
import { Elemwise, dtypeRules } from './elemwise.js';
import { elemwise } from './build.js';
import { mul } from './mul.js';
import { scalarLike } from '../grad-helpers.js';

export const sqrOp = new Elemwise({
  name: 'sqr',
  arity: 1,
  render: ([a]) => `(${a} * ${a})`,
  outDType: dtypeRules.same,
  grad: ([x], _z, gz) => [mul(gz, mul(scalarLike(2, x!), x!))],
});

export function sqr(a: Variable): Variable {
  return elemwise(sqrOp, a);
}
