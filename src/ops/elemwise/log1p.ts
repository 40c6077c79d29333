import type { Variable } from '../../ir/variable.js';
import { Elemwise, dtypeRules } from './elemwise.js';
import { elemwise } from './build.js';
import { add } from './add.js';
import { div } from './div.js';
import { scalarLike } from '../grad-helpers.js';

/** log(1 + x), accurate for small x. */
export const log1pOp = new Elemwise({
  name: 'log1p',
  arity: 1,
  render: ([a]) => `Math.log1p(${a})`,
  outDType: dtypeRules.float,
  grad: ([x], _z, gz) => [div(gz, add(scalarLike(1, x!), x!))],
});

export function log1p(a: Variable): Variable {
  return elemwise(log1pOp, a);
}
