import { constant } from '../ir/constant.js';
import { isFloat, upcastAll, type DType, type TypedArray } from '../ir/dtype.js';
import { NDArray, toNDArray, type Nested } from '../ir/ndarray.js';
import { Variable } from '../ir/variable.js';
import { config } from '../util/config.js';
import { TypeMismatchError } from '../util/errors.js';

/** What user-facing functions accept where a tensor is expected. */
export type TensorLike = Variable | NDArray | number | boolean | Nested | TypedArray;

/**
 * Turns the operands of one operation into variables. JS numbers are "weakly typed", as Python scalars in
 * Theano: next to a float tensor they take its dtype (so `x * 2` stays float32); next to ints an integer
 * stays int32; otherwise a non-integer becomes floatX.
 */
export function asTensors(operands: readonly TensorLike[]): Variable[] {
  const typed = operands.filter((o): o is Variable => o instanceof Variable);
  const floats = typed.map((v) => v.dtype).filter(isFloat);
  const floatLike: DType | undefined = floats.length ? upcastAll(floats) : undefined;
  return operands.map((o) => {
    if (o instanceof Variable) return o;
    if (typeof o === 'number' || typeof o === 'boolean') {
      const v = Number(o);
      const dtype: DType = floatLike ?? (typeof o === 'boolean' ? 'bool' : Number.isInteger(v) ? 'int32' : config.floatX);
      return constant(v, dtype);
    }
    if (o instanceof NDArray) return constant(o);
    if (Array.isArray(o) || ArrayBuffer.isView(o)) return constant(toNDArray(o as Nested | TypedArray, undefined, undefined, floatLike ?? config.floatX));
    throw new TypeMismatchError(`expected a tensor, a number or an array; got ${String(o)}`);
  });
}

export function asTensor(x: TensorLike): Variable {
  return asTensors([x])[0]!;
}

/** An int scalar operand (index, size): numbers become int32 constants. */
export function asIntScalar(x: number | Variable, what: string): Variable {
  if (typeof x === 'number') {
    if (!Number.isInteger(x)) throw new TypeMismatchError(`${what}: expected an integer; got ${x}`);
    return constant(x, 'int32');
  }
  if (!(x instanceof Variable) || x.ndim !== 0 || isFloat(x.dtype)) {
    throw new TypeMismatchError(`${what}: expected an int scalar; got ${x instanceof Variable ? x.describe() : String(x)}`);
  }
  return x;
}
