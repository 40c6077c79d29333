import type { Variable } from '../../ir/variable.js';
import { Elemwise, dtypeRules } from './elemwise.js';
import { elemwise } from './build.js';
import { sumTo } from '../sum-to.js';
import { mul } from './mul.js';
import { neg } from './neg.js';

/** True division (Theano's true_div): integers divide to a float. */
export const divOp = new Elemwise({
  name: 'div',
  arity: 2,
  infix: '/',
  render: ([a, b]) => `(${a} / ${b})`,
  outDType: dtypeRules.float,
  // d(x/y)/dx = 1/y; d(x/y)/dy = -z/y
  grad: ([x, y], z, gz) => [sumTo(div(gz, y!), x!), sumTo(neg(div(mul(gz, z), y!)), y!)],
});

export function div(a: Variable, b: Variable): Variable {
  return elemwise(divOp, a, b);
}
