import type { Variable } from '../../ir/variable.js';
import { Elemwise, dtypeRules } from './elemwise.js';
import { elemwise } from './build.js';
import { sumTo } from '../sum-to.js';
import { zerosLike } from '../grad-helpers.js';

/** `switch(cond, a, b)`: a where cond is non-zero, else b. */
export const switchOp = new Elemwise({
  name: 'switch',
  arity: 3,
  render: ([c, a, b]) => `(${c} !== 0 ? ${a} : ${b})`,
  outDType: (ds) => dtypeRules.arithmetic(ds.slice(1)),
  grad: ([c, a, b], _z, gz) => {
    const zero = zerosLike(gz);
    return [null, sumTo(switchOf(c!, gz, zero), a!), sumTo(switchOf(c!, zero, gz), b!)];
  },
});

export function switchOf(cond: Variable, a: Variable, b: Variable): Variable {
  return elemwise(switchOp, cond, a, b);
}
