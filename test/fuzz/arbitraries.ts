/**
 * What the fuzzer feeds tsano: hostile JS values, descriptions of symbolic inputs (plain data, so fast-check
 * prints and shrinks them; variables are made fresh in every run), and call-time values for those inputs.
 */
import fc from 'fast-check';
import * as theano from '../../src/index.js';
import { T } from '../../src/index.js';
import type { DType, NDArray, Variable } from '../../src/index.js';

export const DTYPES: readonly DType[] = ['float32', 'float64', 'int32', 'uint8', 'bool'];

/** Numbers that break naive code: NaN, infinities, -0, non-integers, negatives, huge and unsafe integers. */
export const badNumberArb: fc.Arbitrary<number> = fc.constantFrom(
  NaN,
  Infinity,
  -Infinity,
  -0,
  0.5,
  1.5,
  -1,
  -2,
  -7,
  2 ** 31,
  2 ** 32 + 1,
  1e12,
  2 ** 53 + 2,
  1e300,
  -1e300,
  Number.MIN_VALUE,
);

/** An array that contains itself ([[[[…]]]]): naive shape inference never ends on it. */
const cyclic: unknown[] = [];
cyclic.push(cyclic);

/** Every kind of JS value a careless caller might pass where tsano expects something else. */
export const hostileArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(undefined, null, '', 'x', '2', 'float32', true, false, 10n, Symbol('s'), () => 1),
  badNumberArb,
  fc.constantFrom(cyclic, {}, { shape: [2] }, { length: 3 }, [], [[]], [[1], [2, 3]], [1, 'a'], [null], [undefined], [[1, 2], 3], [NaN, Infinity]),
  fc.constantFrom(new Float32Array(3), new Int16Array([1, -2]), new Float64Array([NaN]), new Uint8Array(0), new Int32Array([2 ** 31 - 1])),
  fc.constantFrom(new Map(), new Set([1]), new Date(0), /re/, new Error('e')),
);

/** A description of a symbolic input: dtype and static shape (null = unknown). */
export interface VarDesc {
  dtype: DType;
  shape: (number | null)[];
}

export const dtypeArb = fc.constantFrom<DType>(...DTYPES);
/** Mostly floats (the ops' main use), integers and booleans now and then. */
export const dtypeWeightedArb: fc.Arbitrary<DType> = fc.oneof(
  { arbitrary: fc.constantFrom<DType>('float32', 'float64'), weight: 4 },
  { arbitrary: dtypeArb, weight: 1 },
);

export function varDescArb(opts: { minRank?: number; maxRank?: number; dtype?: fc.Arbitrary<DType> } = {}): fc.Arbitrary<VarDesc> {
  const dim = fc.oneof({ arbitrary: fc.constant(null), weight: 5 }, { arbitrary: fc.integer({ min: 0, max: 4 }), weight: 1 });
  return fc.record({
    dtype: opts.dtype ?? dtypeWeightedArb,
    shape: fc.array(dim, { minLength: opts.minRank ?? 0, maxLength: opts.maxRank ?? 4 }),
  });
}

export function makeVar(d: VarDesc, name: string): Variable {
  return T.tensor(d.dtype, d.shape, name);
}

/** Per-case sizes for unknown axes, aligned right (as NumPy broadcasts), so operands usually fit together. */
export interface SizePlan {
  base: number[];
  /** Per input and axis: 0 take base, 1 take 1 (broadcast), 2 take `odd`. */
  pick: number[];
  odd: number;
}

export const sizePlanArb: fc.Arbitrary<SizePlan> = fc.record({
  base: fc.oneof(
    fc.integer({ min: 1, max: 3 }).map((n) => [n, n, n, n, n]),
    fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 5, maxLength: 5 }),
  ),
  pick: fc.array(fc.oneof({ arbitrary: fc.constant(0), weight: 8 }, { arbitrary: fc.constant(1), weight: 2 }, { arbitrary: fc.constant(2), weight: 1 }), {
    minLength: 24,
    maxLength: 24,
  }),
  odd: fc.integer({ min: 0, max: 5 }),
});

/** A concrete shape for input number k of a case. */
export function concreteShape(type: { shape: readonly (number | null)[] }, plan: SizePlan, k: number): number[] {
  const r = type.shape.length;
  return type.shape.map((d, a) => {
    if (d !== null) return d;
    const p = plan.pick[(k * 5 + a) % plan.pick.length]!;
    return p === 1 ? 1 : p === 2 ? plan.odd : plan.base[5 - r + a]!;
  });
}

/** Deterministic values of a dtype from a seed: small floats (some negative, some 0), small ints, 0/1 booleans. */
export function valuesFor(dtype: DType, shape: readonly number[], seed: number, hostile = false): NDArray {
  const n = shape.reduce((a, b) => a * b, 1);
  const out = theano.NDArray.zeros(dtype, shape.slice());
  let s = seed >>> 0 || 1;
  const next = (): number => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
  const specials = [NaN, Infinity, -Infinity, 0, -0, 1e30, -1e30];
  for (let i = 0; i < n; i++) {
    const u = next();
    let v: number;
    if (dtype === 'bool') v = u < 0.5 ? 0 : 1;
    else if (dtype === 'uint8') v = Math.floor(u * 6);
    else if (dtype === 'int32') v = Math.floor(u * 9) - 4;
    else if (hostile && next() < 0.3) v = specials[Math.floor(next() * specials.length)]!;
    else v = Math.round((u * 4 - 2) * 64) / 64 + (u < 0.5 ? 0.25 : 0.5) / 7;
    out.data[i] = v;
  }
  return out;
}

/** How a call-time argument is passed: as an NDArray, or converted to nested JS arrays or a typed array. */
export type ArgForm = 'ndarray' | 'nested' | 'typed' | 'number';
export const argFormArb = fc.constantFrom<ArgForm>('ndarray', 'ndarray', 'nested', 'typed');

/** The value in the form asked (typed arrays only fit vectors, numbers only scalars; otherwise an NDArray). */
export function inForm(a: NDArray, form: ArgForm): unknown {
  if (form === 'nested') return a.toArray();
  if (form === 'typed' && a.ndim === 1) return a.data;
  if (form === 'number' && a.ndim === 0) return a.item();
  return a;
}

/** A wrong argument for an input of this type: another rank, a wrong dtype, a typed array of another length, junk. */
export function wrongArgArb(): fc.Arbitrary<(v: Variable, good: NDArray) => unknown> {
  return fc.oneof(
    hostileArb.map((h) => () => h),
    fc.integer({ min: 0, max: 5 }).map((r) => (v: Variable) => valuesFor(v.dtype, new Array<number>(r === v.ndim ? r + 1 : r).fill(2), 3)),
    dtypeArb.map((d) => (_v: Variable, good: NDArray) => good.astype(d)),
    fc.integer({ min: 0, max: 7 }).map((n) => (_v: Variable, good: NDArray) => new Float32Array(n === good.size ? n + 1 : n)),
    fc.constant((_v: Variable, good: NDArray) => ragged(good.toArray())),
    fc.constant((_v: Variable, good: NDArray) => valuesFor('float64', good.shape, 9, true).toArray()),
  );
}

function ragged(v: unknown): unknown {
  if (!Array.isArray(v)) return [v, [v]];
  return v.length ? [...v.slice(0, -1), 'x'] : [[1], 2];
}
