import type { Variable } from '../../ir/variable.js';
import { apply1 } from '../../ir/op.js';
import { padLeft } from '../dimshuffle.js';
import type { Elemwise } from './elemwise.js';

/** Applies an elementwise op, first aligning ranks with leading broadcastable axes as Theano does. */
export function elemwise(op: Elemwise, ...inputs: Variable[]): Variable {
  const rank = Math.max(...inputs.map((v) => v.ndim));
  return apply1(
    op,
    inputs.map((v) => padLeft(v, rank)),
  );
}
