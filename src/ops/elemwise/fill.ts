import type { Variable } from '../../ir/variable.js';
import { Elemwise } from './elemwise.js';
import { elemwise } from './build.js';
import { sumTo } from '../sum-to.js';

/** `fill(ref, v)`: `v` broadcast to the shape of `ref` (Theano's `second`); the values of `ref` are not read. */
export const fillOp = new Elemwise({
  name: 'fill',
  arity: 2,
  render: ([, v]) => v!,
  outDType: (ds) => ds[1]!,
  grad: ([, v], _z, gz) => [null, sumTo(gz, v!)],
});

export function fill(ref: Variable, value: Variable): Variable {
  return elemwise(fillOp, ref, value);
}
