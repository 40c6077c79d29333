import type { Variable } from '../../ir/variable.js';
import { Elemwise, dtypeRules } from './elemwise.js';
import { elemwise } from './build.js';

export const negOp = new Elemwise({
  name: 'neg',
  arity: 1,
  render: ([a]) => `(-${a})`,
  outDType: dtypeRules.same,
  grad: (_x, _z, gz) => [neg(gz)],
});

export function neg(a: Variable): Variable {
  return elemwise(negOp, a);
}
