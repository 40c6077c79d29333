import type { Variable } from '../ir/variable.js';
import { sigmoid as sigmoidOp } from '../ops/elemwise/sigmoid.js';
import { softplus as softplusOp } from '../ops/elemwise/softplus.js';
import { relu as reluOp } from '../ops/elemwise/relu.js';
import { softmax as softmaxOp } from '../ops/softmax.js';
import { logSoftmax as logSoftmaxOp } from '../ops/log-softmax.js';
import { asTensor, asTensors, type TensorLike } from './as-tensor.js';
import { describeValue } from '../ir/validate.js';
import { TypeMismatchError } from '../util/errors.js';
import { add, log, mul, neg, sub, sum } from './math.js';
import { get, arange } from './indexing.js';
import { shapeOf } from '../ops/shape.js';

export const sigmoid = (x: TensorLike): Variable => sigmoidOp(asTensor(x, 'T.nnet.sigmoid'));
export const softplus = (x: TensorLike): Variable => softplusOp(asTensor(x, 'T.nnet.softplus'));
export const softmax = (x: TensorLike): Variable => softmaxOp(asTensor(x, 'T.nnet.softmax'));

/** `relu(x, alpha = 0)`: max(x, 0), or a leaky variant with slope alpha below 0. */
export function relu(x: TensorLike, alpha = 0): Variable {
  const v = asTensor(x, 'T.nnet.relu');
  if (typeof alpha !== 'number' || !Number.isFinite(alpha))
    throw new TypeMismatchError(`T.nnet.relu: alpha must be a finite number; got ${describeValue(alpha)}`);
  if (alpha === 0) return reluOp(v);
  return add(reluOp(v), mul(alpha, neg(reluOp(neg(v)))));
}

/** log(softmax(x)) along the last axis, stable for any finite logits. */
export const logSoftmax = (x: TensorLike): Variable => logSoftmaxOp(asTensor(x, 'T.nnet.logSoftmax'));

/**
 * Cross-entropy of predicted rows `p` against the true distribution: an int vector of class indices
 * (-log p[i, y_i]) or a matrix of one-hot/probability rows (-sum(y * log p, axis 1)).
 */
export function categoricalCrossentropy(codingDist: TensorLike, trueDist: TensorLike): Variable {
  const p = asTensor(codingDist, 'T.nnet.categoricalCrossentropy');
  const t = asTensor(trueDist, 'T.nnet.categoricalCrossentropy');
  if (t.ndim === 1) return neg(log(get(p, [arange(shapeOf(t, 0)), t])));
  if (t.ndim === 2) return neg(sum(mul(t, log(p)), 1));
  throw new TypeMismatchError(`categoricalCrossentropy: the true distribution must be an int vector or a matrix; got ${t.describe()}`);
}

/** -(t log o + (1 - t) log(1 - o)), elementwise. */
export function binaryCrossentropy(output: TensorLike, target: TensorLike): Variable {
  const [o, t] = asTensors([output, target], 'T.nnet.binaryCrossentropy') as [Variable, Variable];
  return neg(add(mul(t, log(o)), mul(sub(1, t), log(sub(1, o)))));
}
