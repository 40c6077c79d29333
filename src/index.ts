/**
 * tsano: a symbolic computation-graph compiler in the tradition of Theano.
 *   import * as theano from 'tsano';  import { T } from 'tsano';
 *
 * @module tsano
 */
import * as T from './tensor/index.js';
import { debugprint, pp, toDot } from './ir/printing.js';
import { toSvg } from './ir/printing-svg.js';
import { toNDArray, NDArray, type Nested } from './ir/ndarray.js';
import type { DType, TypedArray } from './ir/dtype.js';
import { config } from './util/config.js';
import { grad, jacobian, hessian, Lop, Rop } from './tensor/grad-args.js';
import { zeroGrad, disconnectedGrad } from './ops/gradient-blockers.js';
import { verifyGrad } from './compile/verify-grad.js';

export { T, T as tensor };
export { compileFunction as function, compileFunction as fn, compileFunction, type FunctionOptions, type TsanoFunction } from './compile/function.js';
export { shared, type SharedOptions } from './tensor/shared.js';
export { save, load, loadInto, type LoadedParams } from './compile/save.js';
export { NDArray } from './ir/ndarray.js';
export { Variable, Constant, SharedVariable, Apply } from './ir/variable.js';
export { TensorType } from './ir/type.js';
export { FunctionGraph } from './ir/fgraph.js';
export type { DType } from './ir/dtype.js';
export { config };
export { RandomState } from './util/rng.js';
export * from './util/errors.js';

/** `theano.ndarray(nested | typedArray, shape?, dtype?)`: nested numbers default to config.floatX. */
export function ndarray(value: Nested | TypedArray | NDArray, shape?: number[], dtype?: DType): NDArray {
  return toNDArray(value, shape, dtype, config.floatX);
}

export const printing = { debugprint, pp, toDot, toSvg };
/** `theano.gradient`: grad, verifyGrad (Theano's verify_grad), jacobian, hessian, Lop, Rop, zeroGrad, disconnectedGrad. */
export const gradient = { grad, verifyGrad, jacobian, hessian, Lop, Rop, zeroGrad, disconnectedGrad };
export { GradientCheckError, type VerifyGradOptions, type VerifyGradReport, type GradCheckWorst, type GradPoint } from './compile/verify-grad.js';
export type { GradOptions, DisconnectedPolicy } from './passes/grad.js';
export type { JacobianOptions } from './passes/jacobian.js';
export type { LopOptions, RopOptions } from './passes/lop-rop.js';
