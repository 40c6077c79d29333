import type { Variable } from '../../ir/variable.js';
import { Elemwise, dtypeRules } from './elemwise.js';
import { elemwise } from './build.js';
import { sumTo } from '../sum-to.js';
import { neg } from './neg.js';

export const subOp = new Elemwise({
  name: 'sub',
  arity: 2,
  infix: '-',
  render: ([a, b]) => `(${a} - ${b})`,
  outDType: dtypeRules.arithmetic,
  grad: ([x, y], _z, gz) => [sumTo(gz, x!), sumTo(neg(gz), y!)],
});

export function sub(a: Variable, b: Variable): Variable {
  return elemwise(subOp, a, b);
}
