import type { Variable } from '../../ir/variable.js';
import { Elemwise, dtypeRules } from './elemwise.js';
import { elemwise } from './build.js';
import { div } from './div.js';

export const logOp = new Elemwise({
  name: 'log',
  arity: 1,
  render: ([a]) => `Math.log(${a})`,
  outDType: dtypeRules.float,
  grad: ([x], _z, gz) => [div(gz, x!)],
});

export function log(a: Variable): Variable {
  return elemwise(logOp, a);
}
