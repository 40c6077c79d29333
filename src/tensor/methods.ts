import type { DType } from '../ir/dtype.js';
import { Variable } from '../ir/variable.js';
import { dimshuffle as dimshuffleOp, transpose, type Pattern } from '../ops/dimshuffle.js';
import { flatten as flattenOp, reshape as reshapeOp } from '../ops/reshape.js';
import { shapeOf } from '../ops/shape.js';
import type { AxisArg } from '../ops/reduce.js';
import type { TensorLike } from './as-tensor.js';
import * as M from './math.js';
import { get as getOp, type Index } from './indexing.js';

/** Method sugar on symbolic variables, mirroring Theano's tensor variables (`x.dot(w).add(b)`). */
declare module '../ir/variable.js' {
  interface Variable {
    add(y: TensorLike): Variable;
    sub(y: TensorLike): Variable;
    mul(y: TensorLike): Variable;
    div(y: TensorLike): Variable;
    pow(y: TensorLike): Variable;
    neg(): Variable;
    exp(): Variable;
    log(): Variable;
    sqrt(): Variable;
    sqr(): Variable;
    abs(): Variable;
    tanh(): Variable;
    eq(y: TensorLike): Variable;
    neq(y: TensorLike): Variable;
    lt(y: TensorLike): Variable;
    gt(y: TensorLike): Variable;
    le(y: TensorLike): Variable;
    ge(y: TensorLike): Variable;
    maximum(y: TensorLike): Variable;
    minimum(y: TensorLike): Variable;
    sum(axis?: AxisArg): Variable;
    mean(axis?: AxisArg): Variable;
    max(axis?: AxisArg): Variable;
    min(axis?: AxisArg): Variable;
    argmax(axis?: AxisArg): Variable;
    dot(y: TensorLike): Variable;
    astype(dtype: DType): Variable;
    reshape(shape: readonly (number | Variable)[]): Variable;
    dimshuffle(...pattern: (number | 'x')[]): Variable;
    flatten(ndim?: number): Variable;
    /** `x[...]`: see T.slice for slices; int vectors index advanced-style. */
    get(...indices: Index[]): Variable;
    /** The symbolic size of axis i (an int32 scalar). */
    shape(i: number): Variable;
    /** The transpose (axes reversed). */
    readonly T: Variable;
  }
}

const P = Variable.prototype;
const binaryMethods = ['add', 'sub', 'mul', 'div', 'pow', 'eq', 'neq', 'lt', 'gt', 'le', 'ge', 'maximum', 'minimum', 'dot'] as const;
for (const m of binaryMethods) {
  const f = M[m];
  Object.defineProperty(P, m, {
    value: function (this: Variable, y: TensorLike) {
      return f(this, y);
    },
    writable: true,
    configurable: true,
  });
}
const unaryMethods = ['neg', 'exp', 'log', 'sqrt', 'sqr', 'abs', 'tanh'] as const;
for (const m of unaryMethods) {
  const f = M[m];
  Object.defineProperty(P, m, {
    value: function (this: Variable) {
      return f(this);
    },
    writable: true,
    configurable: true,
  });
}
const reduceMethods = ['sum', 'mean', 'max', 'min', 'argmax'] as const;
for (const m of reduceMethods) {
  const f = M[m];
  Object.defineProperty(P, m, {
    value: function (this: Variable, axis?: AxisArg) {
      return f(this, axis);
    },
    writable: true,
    configurable: true,
  });
}

P.astype = function (this: Variable, dtype: DType) {
  return M.cast(this, dtype);
};
P.reshape = function (this: Variable, shape: readonly (number | Variable)[]) {
  return reshapeOp(this, shape);
};
P.dimshuffle = function (this: Variable, ...pattern: (number | 'x')[]) {
  return dimshuffleOp(this, pattern as Pattern);
};
P.flatten = function (this: Variable, ndim = 1) {
  return flattenOp(this, ndim);
};
P.get = function (this: Variable, ...indices: Index[]) {
  return getOp(this, indices);
};
P.shape = function (this: Variable, i: number) {
  return shapeOf(this, i);
};
Object.defineProperty(P, 'T', {
  get(this: Variable) {
    return transpose(this);
  },
  configurable: true,
});
