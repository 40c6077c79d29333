import type { Variable } from '../../ir/variable.js';
import { Elemwise, dtypeRules } from './elemwise.js';
import { elemwise } from './build.js';
import { mul } from './mul.js';
import { sub } from './sub.js';
import { scalarLike } from '../grad-helpers.js';

/** The logistic function, written so that neither branch overflows. */
export const sigmoidOp = new Elemwise({
  name: 'sigmoid',
  arity: 1,
  render: ([a]) => `(${a} >= 0 ? 1 / (1 + Math.exp(-${a})) : Math.exp(${a}) / (1 + Math.exp(${a})))`,
  outDType: dtypeRules.float,
  grad: (_x, z, gz) => [mul(gz, mul(z, sub(scalarLike(1, z), z)))],
});

export function sigmoid(a: Variable): Variable {
  return elemwise(sigmoidOp, a);
}
