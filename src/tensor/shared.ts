import type { DType, TypedArray } from '../ir/dtype.js';
import { NDArray, toNDArray, type Nested } from '../ir/ndarray.js';
import { TensorType } from '../ir/type.js';
import { SharedVariable } from '../ir/variable.js';
import { config } from '../util/config.js';
import { TypeMismatchError } from '../util/errors.js';
import { checkDType, describeValue } from '../ir/validate.js';
import { checkName } from './constructors.js';

export interface SharedOptions {
  name?: string;
  /** Use the given NDArray as the storage instead of copying it (Theano's borrow). */
  borrow?: boolean;
  /** dtype for JS numbers and nested arrays (default config.floatX). */
  dtype?: DType;
}

/**
 * `theano.shared(value)`: a variable whose value persists between calls and that `updates` may change.
 * Its static shape is unknown (any later `setValue` of the same rank is allowed), as Theano's.
 */
export function shared(value: NDArray | Nested | TypedArray, opts: SharedOptions = {}): SharedVariable {
  if (opts === null || typeof opts !== 'object' || Array.isArray(opts))
    throw new TypeMismatchError(`theano.shared: options must be an object such as { name: 'w' }; got ${describeValue(opts)}`);
  checkName(opts.name, 'theano.shared');
  if (opts.dtype !== undefined) checkDType(opts.dtype, `theano.shared${opts.name ? ` '${opts.name}'` : ''}`);
  let arr: NDArray;
  if (value instanceof NDArray) arr = opts.dtype && opts.dtype !== value.dtype ? value.astype(opts.dtype) : opts.borrow ? value : value.copy();
  else {
    arr = toNDArray(value, undefined, opts.dtype ?? (ArrayBuffer.isView(value) ? undefined : config.floatX), config.floatX);
    if (arr.data === value && !opts.borrow) arr = arr.copy();
  }
  const type = new TensorType(arr.dtype, new Array<null>(arr.ndim).fill(null));
  return new SharedVariable(type, arr, opts.name);
}
