/**
 * Property: the value-side constructors and methods — theano.ndarray, NDArray.zeros, a.get, a.item, a.astype,
 * theano.shared with setValue/getValue, T.constant — with random and hostile arguments (self-containing arrays,
 * ragged rows, sparse arrays, negative / non-integer / huge shapes, unknown dtypes) give a correct array or a
 * TsanoError. A nested array that is accepted comes back unchanged from toArray().
 */
import fc from 'fast-check';
import * as theano from '../../src/index.js';
import { T } from '../../src/index.js';
import { badNumberArb, dtypeArb, hostileArb } from './arbitraries.js';
import { attempt, FuzzFailure } from './harness.js';
import { fuzzProperty, type FuzzProperty } from './suites.js';

const selfContaining = (): unknown[] => {
  const a: unknown[] = [1];
  a.push(a);
  return a;
};
/** [[[[…]]]] forever: a = [a]. */
const selfFirst = (): unknown[] => {
  const a: unknown[] = [];
  a.push(a);
  return a;
};
const deep = (n: number): unknown => (n === 0 ? 1 : [deep(n - 1)]);
// eslint-disable-next-line no-sparse-arrays
const sparse = (): unknown => [1, , 3];

const nestedArb = fc.oneof(
  { arbitrary: fc.array(fc.double({ min: -5, max: 5 }), { maxLength: 4 }), weight: 4 },
  { arbitrary: fc.array(fc.array(fc.integer({ min: -3, max: 300 }), { minLength: 2, maxLength: 2 }), { maxLength: 3 }), weight: 4 },
  { arbitrary: fc.array(fc.boolean(), { maxLength: 3 }), weight: 1 },
  {
    arbitrary: fc
      .constantFrom<() => unknown>(
        selfContaining,
        selfFirst,
        () => deep(40),
        () => deep(5),
        sparse,
      )
      .map((f) => f()),
    weight: 2,
  },
  { arbitrary: hostileArb, weight: 2 },
);
const shapeArg = fc.oneof(
  { arbitrary: fc.constant(undefined), weight: 4 },
  { arbitrary: fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 3 }), weight: 3 },
  { arbitrary: fc.array(fc.oneof(badNumberArb, fc.integer({ min: -3, max: 3 })), { maxLength: 3 }), weight: 1 },
  { arbitrary: hostileArb, weight: 1 },
);
const dtypeArg = fc.oneof(
  { arbitrary: fc.constant(undefined), weight: 3 },
  { arbitrary: dtypeArb, weight: 3 },
  { arbitrary: fc.oneof(hostileArb, fc.constantFrom('int64', 'Float32')), weight: 1 },
);

interface ValueCase {
  value: unknown;
  shape: unknown;
  dtype: unknown;
  index: unknown[];
  other: unknown;
  which: number;
}

const caseArb: fc.Arbitrary<ValueCase> = fc.record({
  value: nestedArb,
  shape: shapeArg,
  dtype: dtypeArg,
  index: fc.array(fc.oneof(fc.integer({ min: -4, max: 4 }), badNumberArb, hostileArb), { maxLength: 3 }),
  other: fc.oneof(nestedArb, dtypeArg),
  which: fc.nat(5),
});

/** Rectangular nested numbers/booleans: the values tsano must keep (in the dtype's storage). */
function plain(v: unknown): boolean {
  if (typeof v === 'number' || typeof v === 'boolean') return true;
  if (!Array.isArray(v) || v.length === 0) return Array.isArray(v);
  if (v.some((e, i) => !(i in v))) return false;
  const first = v[0];
  return v.every((e) => plain(e) && Array.isArray(e) === Array.isArray(first) && (!Array.isArray(e) || e.length === (first as unknown[]).length));
}

function run(c: ValueCase): void {
  const made = attempt('theano.ndarray', () => theano.ndarray(c.value as never, c.shape as never, c.dtype as never));
  if (made.ok) {
    const a = made.value;
    if (c.shape === undefined && c.dtype === undefined && plain(c.value) && !(a.ndim === 0 && typeof c.value !== 'number' && typeof c.value !== 'boolean')) {
      const back = JSON.stringify(a.toArray());
      const want = JSON.stringify(c.value, (_k, x) => (typeof x === 'boolean' ? Number(x) : typeof x === 'number' ? Math.fround(x) : x));
      if (back !== want && a.size > 0) throw new FuzzFailure(`ndarray(${JSON.stringify(c.value)}) came back as ${back}`);
    }
    attempt('a.get', () => a.get(...(c.index as number[])));
    attempt('a.item', () => a.item());
    attempt('a.astype', () => a.astype(c.other as never));
    attempt('a.toString', () => a.toString());
  }
  switch (c.which) {
    case 0:
      attempt('NDArray.zeros', () => theano.NDArray.zeros(c.dtype as never, c.shape as never));
      break;
    case 1: {
      const s = attempt('theano.shared', () => theano.shared(c.value as never, { dtype: c.dtype as never, name: 's' }));
      if (s.ok) {
        attempt('setValue', () => s.value.setValue(c.other as never));
        const v = attempt('getValue', () => s.value.getValue());
        if (v.ok && v.value.ndim !== s.value.ndim) throw new FuzzFailure(`setValue changed the rank of ${s.value.describe()} to ${v.value.ndim}`);
      }
      break;
    }
    case 2:
      attempt('T.constant', () => T.constant(c.value as never, c.dtype as never, c.other as never));
      break;
    case 3:
      attempt('new NDArray', () => new theano.NDArray(c.dtype as never, c.shape as never, c.other as never));
      break;
    default:
      attempt('T.tensor', () => T.tensor(c.dtype as never, c.shape as never, 'v'));
  }
}

export const valueProperties: FuzzProperty[] = [fuzzProperty('ndarray, shared, constant and NDArray methods with hostile arguments', 250, caseArb, run)];
