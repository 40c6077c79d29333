/**
 * Property: a compiled function called with random and hostile arguments — NDArrays of the right or another
 * dtype, nested arrays, typed arrays (of the right or a wrong length), numbers, NaN, wrong ranks, junk, too few or
 * too many — either refuses the call with an InputValueError, or converts each argument exactly as documented
 * (no value may change, float64 → float32 only with allowInputDowncast; a bare number may round into a float
 * input) and returns what the same function gives on the converted values.
 */
import fc from 'fast-check';
import * as theano from '../../src/index.js';
import { T } from '../../src/index.js';
import type { DType, NDArray, Variable } from '../../src/index.js';
import { dtypeArb, hostileArb, valuesFor } from './arbitraries.js';
import { attempt, disagreement, FuzzFailure } from './harness.js';
import { fuzzProperty, type FuzzProperty } from './suites.js';

/** A small graph over inputs of mixed dtypes and ranks (some with static sizes). */
interface Template {
  inputs: { dtype: DType; shape: (number | null)[] }[];
  build(v: Variable[]): Variable;
}

const TEMPLATES: Template[] = [
  {
    inputs: [
      { dtype: 'float32', shape: [null, null] },
      { dtype: 'float32', shape: [null] },
    ],
    build: ([x, b]) => x!.add(b!).sum(1),
  },
  {
    inputs: [
      { dtype: 'float64', shape: [null] },
      { dtype: 'int32', shape: [] },
    ],
    build: ([x, i]) => x!.mul(i!),
  },
  {
    inputs: [
      { dtype: 'int32', shape: [null] },
      { dtype: 'uint8', shape: [2] },
    ],
    build: ([a, b]) => a!.sum().add(b!.sum()),
  },
  {
    inputs: [
      { dtype: 'float32', shape: [] },
      { dtype: 'bool', shape: [null] },
    ],
    build: ([s, m]) => T.switch(m!, s!, s!.neg()),
  },
  { inputs: [{ dtype: 'float64', shape: [2, null] }], build: ([x]) => x!.max(0) },
  {
    inputs: [
      { dtype: 'float32', shape: [null, null, null] },
      { dtype: 'float32', shape: [] },
    ],
    build: ([x, s]) => x!.mean([0, 2]).mul(s!),
  },
];

/** How one argument is passed. */
type ArgKind =
  | { k: 'good'; form: 'ndarray' | 'nested' | 'typed' | 'number' }
  | { k: 'dtype'; dtype: DType; form: 'ndarray' | 'nested' | 'typed' }
  | { k: 'nan' }
  | { k: 'rank'; rank: number }
  | { k: 'length'; delta: number }
  | { k: 'junk'; value: unknown };

const argKindArb: fc.Arbitrary<ArgKind> = fc.oneof(
  { arbitrary: fc.constantFrom('ndarray', 'nested', 'typed', 'number').map((form): ArgKind => ({ k: 'good', form: form as 'ndarray' })), weight: 6 },
  {
    arbitrary: fc
      .record({ dtype: dtypeArb, form: fc.constantFrom('ndarray', 'nested', 'typed') })
      .map((r): ArgKind => ({ k: 'dtype', ...(r as { dtype: DType; form: 'ndarray' }) })),
    weight: 3,
  },
  { arbitrary: fc.constant<ArgKind>({ k: 'nan' }), weight: 1 },
  { arbitrary: fc.integer({ min: 0, max: 4 }).map((rank): ArgKind => ({ k: 'rank', rank })), weight: 1 },
  { arbitrary: fc.integer({ min: -2, max: 2 }).map((delta): ArgKind => ({ k: 'length', delta })), weight: 1 },
  { arbitrary: hostileArb.map((value): ArgKind => ({ k: 'junk', value })), weight: 1 },
);

interface CallCase {
  template: number;
  sizes: number[];
  args: ArgKind[];
  /** Arguments dropped (negative) or added (positive). */
  count: number;
  allowInputDowncast: boolean | undefined;
  seed: number;
}

const caseArb: fc.Arbitrary<CallCase> = fc.record({
  template: fc.nat(TEMPLATES.length - 1),
  sizes: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 3, maxLength: 3 }),
  args: fc.array(argKindArb, { minLength: 3, maxLength: 3 }),
  count: fc.oneof({ arbitrary: fc.constant(0), weight: 12 }, { arbitrary: fc.constantFrom(-1, 1), weight: 1 }),
  allowInputDowncast: fc.constantFrom(undefined, true, false),
  seed: fc.nat(),
});

const isFloat = (d: DType): boolean => d === 'float32' || d === 'float64';
/** A value that `d` holds exactly (NaN and infinities fit the float dtypes). */
const fits = (d: DType, v: number): boolean =>
  d === 'float64'
    ? true
    : d === 'float32'
      ? Object.is(Math.fround(v), v) || Number.isNaN(v)
      : d === 'int32'
        ? (v | 0) === v
        : d === 'uint8'
          ? (v & 255) === v
          : v === 0 || v === 1;
const lossless = (from: DType, to: DType): boolean =>
  from === to ||
  to === 'float64' ||
  (to === 'float32' && (from === 'bool' || from === 'uint8')) ||
  (to === 'int32' && (from === 'bool' || from === 'uint8')) ||
  (to === 'uint8' && from === 'bool');

/** What a call passes: the argument, and (unless junk) its values with the dtype tsano reads them as. */
interface Passed {
  arg: unknown;
  src: NDArray | null;
  fromJs: boolean;
}

function makeArg(kind: ArgKind, want: Variable, shape: number[], seed: number): Passed {
  const D = want.dtype;
  // Nested arrays cannot show the axes after an empty one: [] is (0,), [[]] is (1, 0).
  const js = (a: NDArray): Passed => {
    const zero = a.shape.indexOf(0);
    const seen = zero === -1 ? a.shape : a.shape.slice(0, zero + 1);
    return {
      arg: a.ndim === 0 ? a.item() : a.toArray(),
      src: theano.NDArray.zeros('float64', seen).size ? a.astype('float64') : theano.NDArray.zeros('float64', seen),
      fromJs: true,
    };
  };
  const typed = (a: NDArray): Passed =>
    a.ndim === 1 ? { arg: a.data, src: a.dtype === 'bool' ? a.astype('uint8') : a, fromJs: false } : { arg: a, src: a, fromJs: false };
  switch (kind.k) {
    case 'good': {
      const good = valuesFor(D, shape, seed);
      if (kind.form === 'number' || kind.form === 'nested')
        return good.ndim === 0 || kind.form === 'nested' ? js(good) : { arg: good, src: good, fromJs: false };
      return kind.form === 'typed' ? typed(good) : { arg: good, src: good, fromJs: false };
    }
    case 'dtype': {
      const other = valuesFor(kind.dtype, shape, seed);
      return kind.form === 'nested' ? js(other) : kind.form === 'typed' ? typed(other) : { arg: other, src: other, fromJs: false };
    }
    case 'nan': {
      const a = valuesFor('float64', shape, seed, true);
      if (a.size) a.data[0] = NaN;
      return js(a);
    }
    case 'rank':
      return { arg: valuesFor(D, new Array<number>(kind.rank === shape.length ? kind.rank + 1 : kind.rank).fill(2), seed), src: null, fromJs: false };
    case 'length': {
      const n = Math.max(0, shape.reduce((a, b) => a * b, 1) + kind.delta);
      return typed(theano.NDArray.zeros(D === 'bool' ? 'uint8' : D, [n]));
    }
    case 'junk': {
      // Some "junk" is a fine argument: numbers, typed arrays (small integer arrays read as int32), arrays of numbers.
      const v = kind.value;
      if (typeof v === 'number' || typeof v === 'boolean') return js(theano.NDArray.scalar(Number(v), 'float64'));
      if (Array.isArray(v)) {
        const a = nestedValues(v);
        return a ? { arg: v, src: a, fromJs: true } : { arg: v, src: null, fromJs: false };
      }
      if (v instanceof Int16Array || v instanceof Int8Array || v instanceof Uint16Array)
        return { arg: v, src: new theano.NDArray('int32', [v.length], Int32Array.from(v)), fromJs: false };
      if (v instanceof Float32Array || v instanceof Float64Array || v instanceof Int32Array || v instanceof Uint8Array)
        return { arg: v, src: theano.ndarray(v), fromJs: false };
      return { arg: v, src: null, fromJs: false };
    }
  }
}

/** Rectangular nested arrays of numbers and booleans as a float64 array (shape from the first elements), else null. */
function nestedValues(v: unknown): NDArray | null {
  const shape: number[] = [];
  for (let cur: unknown = v; Array.isArray(cur); cur = cur[0]) {
    if (shape.length === 32) return null; // deeper than any tensor (or an array that contains itself)
    shape.push(cur.length);
  }
  const flat: number[] = [];
  const walk = (x: unknown, axis: number): boolean => {
    if (axis === shape.length) return (typeof x === 'number' || typeof x === 'boolean') && flat.push(Number(x)) > 0;
    return Array.isArray(x) && x.length === shape[axis] && x.every((e) => walk(e, axis + 1));
  };
  return walk(v, 0) ? new theano.NDArray('float64', shape, Float64Array.from(flat)) : null;
}

/** The documented conversion: the value tsano must compute with, or null when the call must be refused. */
function convert(p: Passed, want: Variable, allow: boolean | undefined): NDArray | null {
  const v = p.src;
  const D = want.dtype;
  if (!v || v.ndim !== want.ndim || want.type.shape.some((d, a) => d !== null && d !== v.shape[a])) return null;
  const allFit = Array.from(v.data).every((x) => fits(D, x));
  if (lossless(v.dtype, D) || (p.fromJs && allFit)) return v.astype(D);
  const bare = p.fromJs && v.ndim === 0;
  const downcast = allow === true || (allow === undefined && bare && isFloat(D));
  return downcast && (isFloat(D) || allFit) ? v.astype(D) : null;
}

function run(c: CallCase): void {
  const t = TEMPLATES[c.template]!;
  const vars = t.inputs.map((d, i) => T.tensor(d.dtype, d.shape, `in${i}`));
  const f = theano.function(vars, t.build(vars), { allowInputDowncast: c.allowInputDowncast, name: 'f' });
  const made = vars.map((v, i) => {
    const p = makeArg(
      c.args[i]!,
      v,
      v.type.shape.map((d, a) => d ?? c.sizes[a]!),
      c.seed + i,
    );
    return { arg: p.arg, value: convert(p, v, c.allowInputDowncast) };
  });
  let args = made.map((m) => m.arg);
  if (c.count < 0) args = args.slice(0, -1);
  if (c.count > 0) args = [...args, 1];
  const r = attempt('call', () => f(...(args as never[])));
  const refused = c.count !== 0 || made.some((m) => m.value === null);
  if (!r.ok) {
    if (!(r.error instanceof theano.InputValueError) && !(r.error instanceof theano.ShapeError && !refused)) {
      throw new FuzzFailure(`the call raised ${r.error.name} (${r.error.message}); a bad argument must be an InputValueError`);
    }
    if (r.error instanceof theano.InputValueError && !refused) throw new FuzzFailure(`a valid call was refused: ${r.error.message}`);
    if (r.error instanceof theano.InputValueError && !/input '?in\d|expects \d+ argument/.test(r.error.message))
      throw new FuzzFailure(`an InputValueError must name the input: ${r.error.message}`);
    return;
  }
  if (refused)
    throw new FuzzFailure(
      `a call that must be refused gave a result (arguments: ${made.map((m, i) => `${JSON.stringify(c.args[i])} -> ${m.value ? 'ok' : 'refused'}`).join(', ')})`,
    );
  const want = attempt('call with exact arguments', () => f(...(made.map((m) => m.value) as never[])));
  if (!want.ok) throw new FuzzFailure(`the converted arguments fail (${want.error.message}) where the call succeeded`);
  const d = disagreement(r.value, want.value, 0, 0);
  if (d) throw new FuzzFailure(`the result differs from the one on the converted arguments: ${d}`);
}

export const callProperties: FuzzProperty[] = [fuzzProperty('compiled functions called with random and hostile arguments', 400, caseArb, run)];
