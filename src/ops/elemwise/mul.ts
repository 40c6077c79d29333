import type { Variable } from '../../ir/variable.js';
import { Elemwise, dtypeRules } from './elemwise.js';
import { elemwise } from './build.js';
import { sumTo } from '../sum-to.js';

export const mulOp = new Elemwise({
  name: 'mul',
  arity: 2,
  infix: '*',
  render: ([a, b]) => `(${a} * ${b})`,
  outDType: dtypeRules.arithmetic,
  grad: ([x, y], _z, gz) => [sumTo(mul(gz, y!), x!), sumTo(mul(gz, x!), y!)],
});

export function mul(a: Variable, b: Variable): Variable {
  return elemwise(mulOp, a, b);
}
