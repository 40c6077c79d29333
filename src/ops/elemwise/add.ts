import type { Variable } from '../../ir/variable.js';
import { Elemwise, dtypeRules } from './elemwise.js';
import { elemwise } from './build.js';
import { sumTo } from '../sum-to.js';

export const addOp = new Elemwise({
  name: 'add',
  arity: 2,
  infix: '+',
  render: ([a, b]) => `(${a} + ${b})`,
  outDType: dtypeRules.arithmetic,
  grad: ([x, y], _z, gz) => [sumTo(gz, x!), sumTo(gz, y!)],
});

export function add(a: Variable, b: Variable): Variable {
  return elemwise(addOp, a, b);
}
