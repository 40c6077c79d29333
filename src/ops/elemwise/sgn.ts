import type { Variable } from '../../ir/variable.js';
import { Elemwise, dtypeRules } from './elemwise.js';
import { elemwise } from './build.js';
import { zerosLike } from '../grad-helpers.js';

/** The sign: -1, 0 or 1 (NaN stays NaN). */
export const sgnOp = new Elemwise({
  name: 'sgn',
  arity: 1,
  render: ([a]) => `Math.sign(${a})`,
  outDType: dtypeRules.same,
  grad: ([x]) => [zerosLike(x!)],
});

export function sgn(a: Variable): Variable {
  return elemwise(sgnOp, a);
}
