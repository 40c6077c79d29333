import { canCastLosslessly, isFloat, isInteger, roundTo, type TypedArray } from '../ir/dtype.js';
import { NDArray, toNDArray, type Nested } from '../ir/ndarray.js';
import { rankName } from '../ir/type.js';
import type { Variable } from '../ir/variable.js';
import { InputValueError, TsanoError } from '../util/errors.js';
import { describeValue } from '../ir/validate.js';
import { formatShape } from '../util/shape.js';

export type InputArg = NDArray | number | boolean | Nested | TypedArray;

/**
 * Converts a call-time value to the input's type, as Theano's filter: exact dtypes pass; other dtypes only
 * when no value changes (float64 → float32 only with allowInputDowncast; a bare JS number may always be
 * rounded to a float input, like Theano's Python floats, unless allowInputDowncast is false).
 */
export function toInputValue(arg: InputArg, input: Variable, index: number, allowDowncast: boolean | undefined, fname: string): NDArray {
  const want = input.type;
  const label = `input ${input.name ? `'${input.name}'` : '<unnamed>'} (index ${index})${fname ? ` of function '${fname}'` : ''}`;
  const expects = `expects a ${want.dtype} ${rankName(want.ndim)}`;
  // Where the user declared the input: " Created at file:line." (empty when unknown).
  const site = input.createdAt();
  let value: NDArray;
  const bareNumber = typeof arg === 'number' || typeof arg === 'boolean';
  if (arg instanceof NDArray) value = arg;
  else {
    try {
      value = toNDArray(arg as Nested | TypedArray, undefined, ArrayBuffer.isView(arg) ? undefined : 'float64');
    } catch (e) {
      if (!(e instanceof TsanoError)) throw e;
      throw new InputValueError(`${label} ${expects}; got a value that is not a rectangular array of numbers (${describeValue(arg)}): ${e.message}.${site}`);
    }
  }
  if (value.ndim !== want.ndim) {
    throw new InputValueError(`${label} ${expects}; got shape ${JSON.stringify(value.shape)}, a ${rankName(value.ndim)}.${site}`);
  }
  want.shape.forEach((d, a) => {
    if (d !== null && d !== value.shape[a]) {
      throw new InputValueError(
        `${label} ${expects} of shape ${formatShape(want.shape)}; got shape ${JSON.stringify(value.shape)} (axis ${a} differs).${site}`,
      );
    }
  });
  if (value.dtype === want.dtype) return value;
  if (canCastLosslessly(value.dtype, want.dtype)) return value.astype(want.dtype);
  const fromJs = !(arg instanceof NDArray) && !ArrayBuffer.isView(arg);
  const exact = fromJs && everyValueFits(value, want.dtype);
  const downcastOk = allowDowncast === true || (allowDowncast === undefined && bareNumber && isFloat(want.dtype));
  if (exact || (downcastOk && (isFloat(want.dtype) || everyValueFits(value, want.dtype)))) return value.astype(want.dtype);
  const why =
    isInteger(want.dtype) && !everyValueFits(value, want.dtype)
      ? 'some values are not integers in range'
      : 'converting would lose precision; pass allowInputDowncast: true to round';
  throw new InputValueError(`${label} ${expects}; got ${value.dtype} values (${why}).${site}`);
}

function everyValueFits(a: NDArray, dtype: NDArray['dtype']): boolean {
  const d = a.data;
  // NaN (and the infinities) are values of every float dtype: they fit, though NaN !== NaN.
  for (let i = 0; i < d.length; i++) {
    const r = roundTo(dtype, d[i]!);
    if (r !== d[i] && !(r !== r && isFloat(dtype))) return false;
  }
  return true;
}
