import type { Variable } from '../../ir/variable.js';
import { Elemwise, dtypeRules } from './elemwise.js';
import { elemwise } from './build.js';
import { sumTo } from '../sum-to.js';
import { mul } from './mul.js';
import { eq } from './compare.js';
import { cast } from './cast.js';

/** Gradient of max/min: each input equal to the result receives gz (both, on ties, as Theano). */
export function extremumGrad(inputs: readonly Variable[], z: Variable, gz: Variable): Variable[] {
  return inputs.map((x) => sumTo(mul(gz, cast(eq(z, x), gz.dtype)), x));
}

export const maximumOp = new Elemwise({
  name: 'maximum',
  arity: 2,
  render: ([a, b]) => `(${a} !== ${a} || ${a} > ${b} ? ${a} : ${b})`,
  outDType: dtypeRules.arithmetic,
  grad: (inputs, z, gz) => extremumGrad(inputs, z, gz),
});

export function maximum(a: Variable, b: Variable): Variable {
  return elemwise(maximumOp, a, b);
}
