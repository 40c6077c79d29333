import type { Variable } from '../../ir/variable.js';
import { Elemwise, dtypeRules } from './elemwise.js';
import { elemwise } from './build.js';
import { mul } from './mul.js';
import { gt } from './compare.js';
import { cast } from './cast.js';
import { scalarLike } from '../grad-helpers.js';

/** max(x, 0); its gradient at 0 is 0. */
export const reluOp = new Elemwise({
  name: 'relu',
  arity: 1,
  render: ([a]) => `(${a} > 0 ? ${a} : 0)`,
  outDType: dtypeRules.same,
  grad: ([x], _z, gz) => [mul(gz, cast(gt(x!, scalarLike(0, x!)), gz.dtype))],
});

export function relu(a: Variable): Variable {
  return elemwise(reluOp, a);
}
