import type { DType } from '../ir/dtype.js';
import type { Variable } from '../ir/variable.js';
import { add as addOp } from '../ops/elemwise/add.js';
import { sub as subOp } from '../ops/elemwise/sub.js';
import { mul as mulOp } from '../ops/elemwise/mul.js';
import { div as divOp } from '../ops/elemwise/div.js';
import { neg as negOp } from '../ops/elemwise/neg.js';
import { pow as powOp } from '../ops/elemwise/pow.js';
import { exp as expOp } from '../ops/elemwise/exp.js';
import { log as logOp } from '../ops/elemwise/log.js';
import { logSoftmax as logSoftmaxOp } from '../ops/log-softmax.js';
import { log1p as log1pOp } from '../ops/elemwise/log1p.js';
import { sqrt as sqrtOp } from '../ops/elemwise/sqrt.js';
import { sqr as sqrOp } from '../ops/elemwise/sqr.js';
import { abs as absOp } from '../ops/elemwise/abs.js';
import { sgn as sgnOp } from '../ops/elemwise/sgn.js';
import { tanh as tanhOp } from '../ops/elemwise/tanh.js';
import { maximum as maximumOp } from '../ops/elemwise/maximum.js';
import { minimum as minimumOp } from '../ops/elemwise/minimum.js';
import * as cmp from '../ops/elemwise/compare.js';
import { switchOf } from '../ops/elemwise/switch.js';
import { clip as clipOp } from '../ops/elemwise/clip.js';
import { cast as castOp } from '../ops/elemwise/cast.js';
import { sum as sumOp } from '../ops/sum.js';
import { mean as meanOp } from '../ops/mean.js';
import { max as maxOp, min as minOp } from '../ops/max.js';
import { argmax as argmaxOp } from '../ops/argmax.js';
import { dot as dotOp, outer as outerOp } from '../ops/dot.js';
import type { AxisArg } from '../ops/reduce.js';
import { asTensor, asTensors, type TensorLike } from './as-tensor.js';
import { checkDType } from '../ir/validate.js';

const unary =
  (f: (x: Variable) => Variable, name: string) =>
  (x: TensorLike): Variable =>
    f(asTensor(x, `T.${name}`));
const binary =
  (f: (x: Variable, y: Variable) => Variable, name: string) =>
  (x: TensorLike, y: TensorLike): Variable => {
    const [a, b] = asTensors([x, y], `T.${name}`);
    return f(a!, b!);
  };

export const add = binary(addOp, 'add');
export const sub = binary(subOp, 'sub');
export const mul = binary(mulOp, 'mul');
/** True division (`/` in Python 3 / Theano's true_div). */
export const div = binary(divOp, 'div');
export const trueDiv = div;
export const pow = binary(powOp, 'pow');
export const maximum = binary(maximumOp, 'maximum');
export const minimum = binary(minimumOp, 'minimum');
export const eq = binary(cmp.eq, 'eq');
export const neq = binary(cmp.neq, 'neq');
export const lt = binary(cmp.lt, 'lt');
export const gt = binary(cmp.gt, 'gt');
export const le = binary(cmp.le, 'le');
export const ge = binary(cmp.ge, 'ge');

export const neg = unary(negOp, 'neg');
export const exp = unary(expOp, 'exp');
/** `log`; of a softmax it builds the stable logSoftmax at once, so gradients taken before compiling are stable too. */
export const log = (x: TensorLike): Variable => {
  const v = asTensor(x, 'T.log');
  return v.owner?.op.name === 'softmax' ? logSoftmaxOp(v.owner.inputs[0]!) : logOp(v);
};
export const log1p = unary(log1pOp, 'log1p');
export const sqrt = unary(sqrtOp, 'sqrt');
export const sqr = unary(sqrOp, 'sqr');
export const abs = unary(absOp, 'abs');
export const sgn = unary(sgnOp, 'sgn');
export const tanh = unary(tanhOp, 'tanh');

/** `switch(cond, a, b)`: elementwise choice. */
export function switch_(cond: TensorLike, a: TensorLike, b: TensorLike): Variable {
  const [c, x, y] = asTensors([cond, a, b], 'T.switch');
  return switchOf(c!, x!, y!);
}

export function clip(x: TensorLike, lo: TensorLike, hi: TensorLike): Variable {
  const [a, l, h] = asTensors([x, lo, hi], 'T.clip');
  return clipOp(a!, l!, h!);
}

export function cast(x: TensorLike, dtype: DType): Variable {
  return castOp(asTensor(x, 'T.cast'), checkDType(dtype, 'T.cast'));
}

export const sum = (x: TensorLike, axis?: AxisArg): Variable => sumOp(asTensor(x, 'T.sum'), axis);
export const mean = (x: TensorLike, axis?: AxisArg): Variable => meanOp(asTensor(x, 'T.mean'), axis);
export const max = (x: TensorLike, axis?: AxisArg): Variable => maxOp(asTensor(x, 'T.max'), axis);
export const min = (x: TensorLike, axis?: AxisArg): Variable => minOp(asTensor(x, 'T.min'), axis);
export const argmax = (x: TensorLike, axis?: AxisArg): Variable => argmaxOp(asTensor(x, 'T.argmax'), axis);
export const dot = binary(dotOp, 'dot');
export const outer = binary(outerOp, 'outer');
