import type { Variable } from '../../ir/variable.js';
import { Elemwise, dtypeRules } from './elemwise.js';
import { elemwise } from './build.js';
import { sumTo } from '../sum-to.js';
import { mul } from './mul.js';
import { sub } from './sub.js';
import { log } from './log.js';
import { scalarLike } from '../grad-helpers.js';

export const powOp = new Elemwise({
  name: 'pow',
  arity: 2,
  infix: '**',
  render: ([a, b]) => `Math.pow(${a}, ${b})`,
  outDType: dtypeRules.arithmetic,
  // d(x^y)/dx = y x^(y-1); d(x^y)/dy = log(x) x^y
  grad: ([x, y], z, gz) => [sumTo(mul(gz, mul(y!, pow(x!, sub(y!, scalarLike(1, y!))))), x!), sumTo(mul(gz, mul(log(x!), z)), y!)],
});

export function pow(a: Variable, b: Variable): Variable {
  return elemwise(powOp, a, b);
}
