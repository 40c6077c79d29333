import type { Variable } from '../../ir/variable.js';
import { Elemwise, dtypeRules } from './elemwise.js';
import { elemwise } from './build.js';
import { div } from './div.js';
import { mul } from './mul.js';
import { scalarLike } from '../grad-helpers.js';

export const sqrtOp = new Elemwise({
  name: 'sqrt',
  arity: 1,
  render: ([a]) => `Math.sqrt(${a})`,
  outDType: dtypeRules.float,
  grad: (_x, z, gz) => [div(gz, mul(scalarLike(2, z), z))],
});

export function sqrt(a: Variable): Variable {
  return elemwise(sqrtOp, a);
}
