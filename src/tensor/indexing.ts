import { constant } from '../ir/constant.js';
import { isFloat } from '../ir/dtype.js';
import { NDArray } from '../ir/ndarray.js';
import { Variable } from '../ir/variable.js';
import { TypeMismatchError } from '../util/errors.js';
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
  const [entries, scalars] = basicEntries(indices, 'get');
  return subtensor(x, entries, scalars);
}

function getAdvanced(x: Variable, indices: readonly Index[]): Variable {
  const firstRest = indices.findIndex((i) => !isIntVector(i) && !(typeof i === 'number' || (i instanceof Variable && i.ndim === 0)));
  const lead = firstRest === -1 ? indices : indices.slice(0, firstRest);
  if (indices.slice(lead.length).some((i) => !isFullSlice(i))) {
    throw new TypeMismatchError(`get: advanced indexing of ${x.describe()} supports int vectors on the leading axes followed by full slices only`);
  }
  const vectors = lead.map((i) => {
    if (Array.isArray(i)) return constant(new NDArray('int32', [i.length], Int32Array.from(i as number[])));
    const v = typeof i === 'number' ? constant(i, 'int32') : (i as Variable);
    if (v.ndim === 0) return reshapeOp(asIntScalar(v, 'get'), [1]);
    return v;
  });
  return advancedSubtensor(x, vectors);
}

function basicEntries(indices: readonly Index[], what: string): [IndexEntry[], Variable[]] {
  const entries: IndexEntry[] = [];
  const scalars: Variable[] = [];
  for (const i of indices) {
    if (i instanceof Slice) {
      const parts = [i.start, i.stop, i.step].map((b) => (b == null ? null : asIntScalar(b, `${what}: slice bound`)));
      entries.push({ kind: 'slice', start: parts[0] !== null, stop: parts[1] !== null, step: parts[2] !== null });
      for (const p of parts) if (p) scalars.push(p);
    } else {
      entries.push({ kind: 'int' });
      scalars.push(asIntScalar(i as number | Variable, `${what}: index`));
    }
  }
  return [entries, scalars];
}

function setOrInc(x: TensorLike, y: TensorLike, set: boolean, what: string): Variable {
  const target = asTensor(x);
  const owner = target.owner;
  if (!owner || (owner.op.name !== 'subtensor' && owner.op.name !== 'advancedSubtensor')) {
    throw new TypeMismatchError(`${what}: the first argument must be an indexed tensor such as x.get(T.slice(0, 2)); got ${target.describe()}`);
  }
  const [base, ...rest] = owner.inputs;
  const value = asTensors([target, y])[1]!;
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
  const parts = [start, stop, step].map((v) => (typeof v === 'number' ? constant(v, Number.isInteger(v) ? 'int32' : 'float64') : v));
  for (const p of parts) if (isFloat(p.dtype) && p.ndim !== 0) throw new TypeMismatchError(`arange: bounds must be scalars; got ${p.describe()}`);
  return arangeOp(parts[0]!, parts[1]!, parts[2]!);
}
