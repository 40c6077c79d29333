import { constant } from '../ir/constant.js';
import { isFloat, upcastAll, type DType, type TypedArray } from '../ir/dtype.js';
import { NDArray, toNDArray, type Nested } from '../ir/ndarray.js';
import { Variable } from '../ir/variable.js';
import { config } from '../util/config.js';
import { TsanoError, TypeMismatchError } from '../util/errors.js';
import { atCallSite, describeValue } from '../ir/validate.js';

/** What user-facing functions accept where a tensor is expected. */
export type TensorLike = Variable | NDArray | number | boolean | Nested | TypedArray;

/**
 * Turns the operands of one operation into variables. JS numbers are "weakly typed", as Python scalars in
 * Theano: next to a float tensor they take its dtype (so `x * 2` stays float32); next to ints an integer
 * stays int32; otherwise a non-integer becomes floatX.
 */
export function asTensors(operands: readonly TensorLike[], what = 'T'): Variable[] {
  const typed = operands.filter((o): o is Variable => o instanceof Variable);
  const floats = typed.map((v) => v.dtype).filter(isFloat);
  const floatLike: DType | undefined = floats.length ? upcastAll(floats) : undefined;
  return operands.map((o, i) => {
    if (o instanceof Variable) return o;
    if (typeof o === 'number' || typeof o === 'boolean') {
      const v = Number(o);
      // Integers beyond int32 (tsano's widest integer) become float64, as NumPy would widen to int64.
      const dtype: DType = floatLike ?? (typeof o === 'boolean' ? 'bool' : isInt32(v) ? 'int32' : Number.isInteger(v) ? 'float64' : config.floatX);
      return constant(v, dtype);
    }
    try {
      if (o instanceof NDArray) return constant(o);
      if (Array.isArray(o) || ArrayBuffer.isView(o)) return constant(toNDArray(o as Nested | TypedArray, undefined, undefined, floatLike ?? config.floatX));
    } catch (e) {
      if (e instanceof TsanoError) e.message = `${what}: operand ${i + 1}: ${e.message}`;
      throw e;
    }
    const n = operands.length;
    throw new TypeMismatchError(`${what}: ${n > 1 ? `operand ${i + 1} ` : ''}must be a tensor, a number or an array; got ${describeValue(o)}.${atCallSite()}`);
  });
}

export function asTensor(x: TensorLike, what = 'T'): Variable {
  return asTensors([x], what)[0]!;
}

const isInt32 = (v: number): boolean => Number.isInteger(v) && v >= -(2 ** 31) && v <= 2 ** 31 - 1;

/** An int scalar operand (index, size): numbers become int32 constants. */
export function asIntScalar(x: number | Variable, what: string): Variable {
  if (typeof x === 'number') {
    if (!isInt32(x)) throw new TypeMismatchError(`${what}: expected an integer${Number.isInteger(x) ? ' that fits in int32' : ''}; got ${x}.${atCallSite()}`);
    return constant(x, 'int32');
  }
  if (!(x instanceof Variable) || x.ndim !== 0 || isFloat(x.dtype) || x.dtype === 'bool') {
    throw new TypeMismatchError(`${what}: expected an int scalar; got ${x instanceof Variable ? x.describe() : describeValue(x)}.${atCallSite()}`);
  }
  return x;
}
