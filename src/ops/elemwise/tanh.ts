import type { Variable } from '../../ir/variable.js';
import { Elemwise, dtypeRules } from './elemwise.js';
import { elemwise } from './build.js';
import { mul } from './mul.js';
import { sub } from './sub.js';
import { sqr } from './sqr.js';
import { scalarLike } from '../grad-helpers.js';

export const tanhOp = new Elemwise({
  name: 'tanh',
  arity: 1,
  render: ([a]) => `Math.tanh(${a})`,
  outDType: dtypeRules.float,
  grad: (_x, z, gz) => [mul(gz, sub(scalarLike(1, z), sqr(z)))],
});

export function tanh(a: Variable): Variable {
  return elemwise(tanhOp, a);
}
