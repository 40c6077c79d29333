/** `T`, Theano's `theano.tensor`: constructors, math, shapes, indexing, grad, nnet. */
import './methods.js';
import type { Variable } from '../ir/variable.js';
import { dimshuffle as dimshuffleOp, type Pattern } from '../ops/dimshuffle.js';
import { flatten as flattenOp, reshape as reshapeOp } from '../ops/reshape.js';
import { shapeOf } from '../ops/shape.js';
import { asTensor, type TensorLike } from './as-tensor.js';
import * as nnetFns from './nnet.js';
import { conv2d } from './conv.js';
import * as signalFns from './signal.js';

export * from './constructors.js';
export * from './math.js';
export { switch_ as switch } from './math.js';
export { slice, Slice, arange, setSubtensor, incSubtensor, type Index } from './indexing.js';
export { asTensor, type TensorLike } from './as-tensor.js';
/** `T.constant(value, dtype?, name?)`: a number or an NDArray as a constant of the graph. */
export { constant } from '../ir/constant.js';
export { RandomStreams } from './random-streams.js';
/** `T.grad`, `T.jacobian`, `T.hessian`, `T.Lop`, `T.Rop` (Theano has them in theano.tensor too), with their arguments checked. */
export { grad, jacobian, hessian, Lop, Rop } from './grad-args.js';

export function reshape(x: TensorLike, shape: readonly (number | Variable)[]): Variable {
  return reshapeOp(asTensor(x, 'T.reshape'), shape);
}
export function flatten(x: TensorLike, ndim = 1): Variable {
  return flattenOp(asTensor(x, 'T.flatten'), ndim);
}
export function dimshuffle(x: TensorLike, ...pattern: (number | 'x')[]): Variable {
  return dimshuffleOp(asTensor(x, 'T.dimshuffle'), pattern as Pattern);
}
/** `T.shape(x, i)`: the symbolic size of axis i. */
export function shape(x: TensorLike, i: number): Variable {
  return shapeOf(asTensor(x, 'T.shape'), i);
}

export const nnet = { ...nnetFns, conv2d };
/** `T.signal`: pooling (Theano's theano.tensor.signal.pool). */
export const signal = signalFns;
