import { constant } from '../ir/constant.js';
import { isFloat } from '../ir/dtype.js';
import { NDArray } from '../ir/ndarray.js';
import { Constant, Variable } from '../ir/variable.js';
import { IndexError, TypeMismatchError } from '../util/errors.js';
import { atCallSite, describeValue } from '../ir/validate.js';
import { advancedSubtensor } from '../ops/advanced-subtensor.js';
import { advancedIncSubtensor } from '../ops/advanced-inc-subtensor.js';
import { arange as arangeOp } from '../ops/arange.js';
import { incSubtensor as incSubtensorOp } from '../ops/inc-subtensor.js';
import type { IndexEntry } from '../ops/index-spec.js';
import { reshape as reshapeOp } from '../ops/reshape.js';
import { subtensor } from '../ops/subtensor.js';
import { asIntScalar, asTensor, asTensors, type TensorLike } from './as-tensor.js';

type Bound = number | Variable | null | undefined;

/** Python's `start:stop:step`, for `x.get(...)`. */
export class Slice {
  constructor(
    readonly start: Bound,
    readonly stop: Bound,
    readonly step: Bound,
  ) {}
}

/** `T.slice(start?, stop?, step?)`; `T.slice()` is `:`. */
export function slice(start?: Bound, stop?: Bound, step?: Bound): Slice {
  return new Slice(start, stop, step);
}

export type Index = number | Variable | Slice | readonly number[];

function isFullSlice(i: Index): boolean {
  return i instanceof Slice && i.start == null && i.stop == null && i.step == null;
}

function isIntVector(i: Index): boolean {
  return (i instanceof Variable && i.ndim === 1) || Array.isArray(i);
}

/**
 * `x[...]` in Python: numbers and int scalars pick, `T.slice` slices, int vectors (or arrays of numbers)
 * index the leading axes together (advanced indexing, e.g. `p.get(T.arange(n), y)`).
 */
export function get(x: Variable, indices: readonly Index[]): Variable {
  if (indices.some(isIntVector)) return getAdvanced(x, indices);
  const [entries, scalars] = basicEntries(x, indices, 'get');
  return subtensor(x, entries, scalars);
}

function getAdvanced(x: Variable, indices: readonly Index[]): Variable {
  if (indices.length > x.ndim) throw new IndexError(`get: too many indices (${indices.length}) for ${x.describe()}.${atCallSite()}`);
  const firstRest = indices.findIndex((i) => !isIntVector(i) && !(typeof i === 'number' || (i instanceof Variable && i.ndim === 0)));
  const lead = firstRest === -1 ? indices : indices.slice(0, firstRest);
  if (indices.slice(lead.length).some((i) => !isFullSlice(i))) {
    throw new TypeMismatchError(`get: advanced indexing of ${x.describe()} supports int vectors on the leading axes followed by full slices only`);
  }
  const vectors = lead.map((i, a) => {
    if (Array.isArray(i)) {
      (i as unknown[]).forEach((k, j) => {
        if (typeof k !== 'number' || !Number.isInteger(k))
          throw new TypeMismatchError(
            `get: index list ${a} of ${x.describe()} must hold integers; element ${j} is ${typeof k === 'number' ? k : describeValue(k)}.${atCallSite()}`,
          );
        checkIndexFits(x, a, k);
      });
      return constant(new NDArray('int32', [i.length], Int32Array.from(i as number[])));
    }
    const v = typeof i === 'number' ? asIntScalar(checkIndexFits(x, a, i), 'get: index') : (i as Variable);
    if (v.ndim === 0) return reshapeOp(asIntScalar(v, 'get: index'), [1]);
    return v;
  });
  return advancedSubtensor(x, vectors);
}

/**
 * A constant index that no axis can accept — beyond int32 (tsano's index type), or outside a size known when the
 * graph is built — is an IndexError now, naming the variable and the bound.
 */
function checkIndexFits(x: Variable, axis: number, i: number): number {
  if (!Number.isInteger(i)) return i;
  const n = x.type.shape[axis];
  if (n !== null && n !== undefined ? i < -n || i >= n : i < -(2 ** 31) || i > 2 ** 31 - 1) {
    const bound = n !== null && n !== undefined ? `of size ${n}` : 'whose size is at most 2147483647';
    throw new IndexError(`get: index ${i} is out of bounds for axis ${axis} of ${x.describe()}, ${bound}.${atCallSite()}`);
  }
  return i;
}

function basicEntries(x: Variable, indices: readonly Index[], what: string): [IndexEntry[], Variable[]] {
  const entries: IndexEntry[] = [];
  const scalars: Variable[] = [];
  if (indices.length > x.ndim) throw new IndexError(`${what}: too many indices (${indices.length}) for ${x.describe()}.${atCallSite()}`);
  indices.forEach((i, axis) => {
    if (i instanceof Slice) {
      // Python clamps slice bounds to the axis: bounds beyond int32 mean the same as the int32 extremes.
      const clamp = (b: Bound): Bound => (typeof b === 'number' && Number.isInteger(b) ? Math.max(-(2 ** 31), Math.min(2 ** 31 - 1, b)) : b);
      const parts = [i.start, i.stop, i.step].map((b, k) =>
        b == null ? null : asIntScalar(clamp(b) as number | Variable, `${what}: slice ${['start', 'stop', 'step'][k]} on axis ${axis}`),
      );
      if (parts[2] instanceof Constant && parts[2].value.item() === 0)
        throw new IndexError(`${what}: slice step cannot be zero (axis ${axis} of ${x.describe()}).${atCallSite()}`);
      entries.push({ kind: 'slice', start: parts[0] !== null, stop: parts[1] !== null, step: parts[2] !== null });
      for (const p of parts) if (p) scalars.push(p);
    } else {
      entries.push({ kind: 'int' });
      scalars.push(asIntScalar(typeof i === 'number' ? checkIndexFits(x, axis, i) : (i as Variable), `${what}: index on axis ${axis}`));
    }
  });
  return [entries, scalars];
}

function setOrInc(x: TensorLike, y: TensorLike, set: boolean, what: string): Variable {
  const target = asTensor(x, `T.${what}`);
  const owner = target.owner;
  if (!owner || (owner.op.name !== 'subtensor' && owner.op.name !== 'advancedSubtensor')) {
    throw new TypeMismatchError(`${what}: the first argument must be an indexed tensor such as x.get(T.slice(0, 2)); got ${target.describe()}.${atCallSite()}`);
  }
  const [base, ...rest] = owner.inputs;
  const value = asTensors([target, y], `T.${what}`)[1]!;
  if (owner.op.name === 'advancedSubtensor') return advancedIncSubtensor(base!, value, rest, set);
  const entries = (owner.op as unknown as { entries: IndexEntry[] }).entries;
  return incSubtensorOp(base!, value, entries, rest, set);
}

/** `T.setSubtensor(x.get(idx), y)`: a copy of x with that region set to y. */
export function setSubtensor(x: TensorLike, y: TensorLike): Variable {
  return setOrInc(x, y, true, 'setSubtensor');
}

/** `T.incSubtensor(x.get(idx), y)`: a copy of x with y added to that region. */
export function incSubtensor(x: TensorLike, y: TensorLike): Variable {
  return setOrInc(x, y, false, 'incSubtensor');
}

/** `T.arange(stop)`, `T.arange(start, stop, step = 1)`. */
export function arange(a: number | Variable, b?: number | Variable, step: number | Variable = 1): Variable {
  const [start, stop] = b === undefined ? [0, a] : [a, b];
  const parts = [start, stop, step].map((v, k) => {
    if (v instanceof Variable) return v;
    if (typeof v !== 'number')
      throw new TypeMismatchError(`arange: ${['start', 'stop', 'step'][k]} must be a number or a scalar variable; got ${describeValue(v)}.${atCallSite()}`);
    return constant(v, Number.isInteger(v) && Math.abs(v) <= 2 ** 31 - 1 ? 'int32' : 'float64');
  });
  for (const p of parts) if (isFloat(p.dtype) && p.ndim !== 0) throw new TypeMismatchError(`arange: bounds must be scalars; got ${p.describe()}`);
  return arangeOp(parts[0]!, parts[1]!, parts[2]!);
}
