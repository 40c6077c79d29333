/**
 * Properties: reductions with random axes, reshape to random shapes, dimshuffle with random patterns and
 * broadcasting elementwise ops on random shapes and dtypes give NumPy's result (test/helpers/reference.ts) in
 * the dtype tsano documents, or the documented error (a DTypeError for a bad axis or pattern, a ShapeError for
 * sizes that do not fit) — never a wrong value or a plain Error.
 */
import fc from 'fast-check';
import * as theano from '../../src/index.js';
import { T } from '../../src/index.js';
import type { DType, Variable } from '../../src/index.js';
import * as R from '../helpers/reference.js';
import { badNumberArb, dtypeArb, hostileArb, valuesFor } from './arbitraries.js';
import { checkCase, type Expected } from './check-graph.js';
import { fuzzProperty, type FuzzProperty } from './suites.js';

const shapeArb = (maxRank: number, minDim = 0) => fc.array(fc.integer({ min: minDim, max: 3 }), { maxLength: maxRank });
const toArr = (a: theano.NDArray): R.Arr => ({ shape: a.shape.slice(), data: Float64Array.from(a.data) });
/** A value as an array of `dtype` stores it. */
const store = (d: DType, v: number): number =>
  d === 'bool' ? (v !== 0 ? 1 : 0) : d === 'float32' ? Math.fround(v) : d === 'int32' ? v | 0 : d === 'uint8' ? v & 255 : v;
const stored = (d: DType, a: R.Arr): R.Arr => ({ shape: a.shape, data: a.data.map((v) => store(d, v)) });
const isFloat = (d: DType): boolean => d === 'float32' || d === 'float64';
const RANK: Record<DType, number> = { bool: 0, uint8: 1, int32: 2, float32: 3, float64: 4 };
const upcast = (a: DType, b: DType): DType =>
  a === b ? a : (a === 'int32' && b === 'float32') || (a === 'float32' && b === 'int32') ? 'float64' : RANK[a] >= RANK[b] ? a : b;
const input = (d: DType, shape: number[], name: string, staticShape: boolean): Variable => T.tensor(d, staticShape ? shape : shape.length, name);

// ---------------------------------------------------------------------------------------------------------
// Reductions.

interface ReduceCase {
  op: 'sum' | 'mean' | 'max' | 'min' | 'argmax';
  dtype: DType;
  shape: number[];
  axis: unknown;
  hostile: boolean;
  seed: number;
}

const reduceArb: fc.Arbitrary<ReduceCase> = fc.record({
  op: fc.constantFrom('sum', 'mean', 'max', 'min', 'argmax'),
  dtype: dtypeArb,
  shape: shapeArb(3),
  axis: fc.oneof(
    { arbitrary: fc.constantFrom(undefined, null), weight: 2 },
    { arbitrary: fc.integer({ min: -4, max: 4 }), weight: 4 },
    { arbitrary: fc.array(fc.integer({ min: -4, max: 3 }), { maxLength: 3 }), weight: 3 },
    { arbitrary: fc.oneof(badNumberArb, hostileArb), weight: 1 },
  ),
  hostile: fc.boolean(),
  seed: fc.nat(),
});

function reduceExpected(c: ReduceCase, x: R.Arr): Expected {
  const r = c.shape.length;
  const dtypeErr: Expected = { errors: [theano.DTypeError] };
  if (c.axis !== undefined && c.axis !== null && typeof c.axis !== 'number' && !Array.isArray(c.axis)) return dtypeErr;
  const list = c.axis === undefined || c.axis === null ? null : ([] as unknown[]).concat(c.axis);
  if (list && list.some((a) => typeof a !== 'number' || !Number.isInteger(a) || a < -r || a >= r)) return dtypeErr;
  const axes = list ? [...new Set((list as number[]).map((a) => (a < 0 ? a + r : a)))] : null;
  if (c.op === 'argmax' && axes && axes.length !== 1) return dtypeErr;
  const reduced = (axes ?? c.shape.map((_, a) => a)).reduce((n, a) => n * c.shape[a]!, 1);
  const kept = c.shape.filter((_, a) => axes && !axes.includes(a)).reduce((n, d) => n * d, 1);
  if ((c.op === 'max' || c.op === 'min' || c.op === 'argmax') && reduced === 0 && kept > 0) return { errors: [theano.ShapeError] };
  const ax = axes ?? undefined;
  const ref = c.op === 'argmax' ? R.argmax(x, ax?.[0]) : R[c.op](x, ax);
  const dtype: DType =
    c.op === 'argmax'
      ? 'int32'
      : c.op === 'mean'
        ? isFloat(c.dtype)
          ? c.dtype
          : 'float64'
        : c.op === 'sum' && (c.dtype === 'bool' || c.dtype === 'uint8')
          ? 'int32'
          : c.dtype;
  return { errors: [], value: stored(dtype, ref), dtype };
}

function reduceRun(c: ReduceCase): void {
  const xv = valuesFor(c.dtype, c.shape, c.seed, c.hostile);
  checkCase(
    `${c.op}(x ${JSON.stringify(c.shape)}, axis ${String(c.axis)})`,
    () => {
      const x = input(c.dtype, c.shape, 'x', false);
      return { inputs: [x], out: (T[c.op] as (x: Variable, a: unknown) => Variable)(x, c.axis), args: [xv] };
    },
    reduceExpected(c, toArr(xv)),
    c.dtype === 'float32' ? 1e-6 : 1e-12,
  );
}

// ---------------------------------------------------------------------------------------------------------
// Reshape and dimshuffle.

interface ReshapeCase {
  dtype: DType;
  shape: number[];
  target: number[];
  symbolic: boolean[];
  staticShape: boolean;
  seed: number;
}

const reshapeArb: fc.Arbitrary<ReshapeCase> = fc.record({
  dtype: dtypeArb,
  shape: shapeArb(3),
  target: fc.array(
    fc.oneof(
      { arbitrary: fc.integer({ min: 0, max: 6 }), weight: 4 },
      { arbitrary: fc.constant(-1), weight: 2 },
      { arbitrary: fc.integer({ min: -3, max: -2 }), weight: 1 },
    ),
    { maxLength: 4 },
  ),
  symbolic: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
  staticShape: fc.boolean(),
  seed: fc.nat(),
});

function reshapeExpected(c: ReshapeCase, x: R.Arr): Expected {
  const size = x.data.length;
  const free = c.target.filter((d) => d === -1).length;
  const rest = c.target.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
  const bad: Expected = { errors: [theano.ShapeError] };
  if (c.target.some((d) => d < -1) || free > 1) return bad;
  if (free === 1 && rest === 0) return size === 0 ? { errors: [theano.ShapeError], value: { shape: c.target.map((d) => (d === -1 ? 0 : d)), data: [] } } : bad;
  const shape = c.target.map((d) => (d === -1 ? size / rest : d));
  if (!shape.every(Number.isInteger) || shape.reduce((a, b) => a * b, 1) !== size) return bad;
  return { errors: [], value: { shape, data: x.data }, dtype: c.dtype };
}

function reshapeRun(c: ReshapeCase): void {
  const xv = valuesFor(c.dtype, c.shape, c.seed);
  checkCase(
    `reshape(x ${JSON.stringify(c.shape)}, ${JSON.stringify(c.target)})`,
    () => {
      const x = input(c.dtype, c.shape, 'x', c.staticShape);
      const inputs: Variable[] = [x];
      const args: unknown[] = [xv];
      const dims = c.target.map((d, k) => {
        if (!c.symbolic[k]) return d;
        const s = T.iscalar(`d${k}`);
        inputs.push(s);
        args.push(d);
        return s;
      });
      return { inputs, out: x.reshape(dims), args };
    },
    reshapeExpected(c, toArr(xv)),
    0,
  );
}

interface ShuffleCase {
  shape: number[];
  pattern: (number | 'x')[];
  staticShape: boolean;
  seed: number;
}

const shuffleArb: fc.Arbitrary<ShuffleCase> = fc.record({
  shape: shapeArb(3, 1),
  pattern: fc.array(fc.oneof({ arbitrary: fc.integer({ min: -1, max: 3 }), weight: 3 }, { arbitrary: fc.constant<'x'>('x'), weight: 1 }), { maxLength: 5 }),
  staticShape: fc.boolean(),
  seed: fc.nat(),
});

function shuffleExpected(c: ShuffleCase, x: R.Arr): Expected {
  const axes = c.pattern.filter((p): p is number => p !== 'x');
  if (new Set(axes).size !== axes.length || axes.some((a) => a < 0 || a >= c.shape.length)) return { errors: [theano.DTypeError] };
  if (c.shape.some((d, a) => d !== 1 && !axes.includes(a))) return { errors: [theano.ShapeError] };
  return { errors: [], value: R.dimshuffle(x, c.pattern), dtype: 'float64' };
}

function shuffleRun(c: ShuffleCase): void {
  const xv = valuesFor('float64', c.shape, c.seed);
  checkCase(
    `x ${JSON.stringify(c.shape)}.dimshuffle(${c.pattern.join(', ')})`,
    () => {
      const x = input('float64', c.shape, 'x', c.staticShape);
      return { inputs: [x], out: x.dimshuffle(...c.pattern), args: [xv] };
    },
    shuffleExpected(c, toArr(xv)),
    0,
  );
}

// ---------------------------------------------------------------------------------------------------------
// Elementwise with broadcasting.

const BINARY: Record<string, { f: (a: number, b: number) => number; dtype: (a: DType, b: DType) => DType }> = {
  add: { f: (a, b) => a + b, dtype: (a, b) => (upcast(a, b) === 'bool' ? 'int32' : upcast(a, b)) },
  sub: { f: (a, b) => a - b, dtype: (a, b) => (upcast(a, b) === 'bool' ? 'int32' : upcast(a, b)) },
  mul: { f: (a, b) => a * b, dtype: (a, b) => (upcast(a, b) === 'bool' ? 'int32' : upcast(a, b)) },
  div: { f: (a, b) => a / b, dtype: (a, b) => (isFloat(upcast(a, b)) ? upcast(a, b) : upcast(a, b) === 'int32' ? 'float64' : 'float32') },
  maximum: { f: (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.max(a, b)), dtype: (a, b) => (upcast(a, b) === 'bool' ? 'int32' : upcast(a, b)) },
  lt: { f: (a, b) => (a < b ? 1 : 0), dtype: () => 'bool' },
  eq: { f: (a, b) => (a === b ? 1 : 0), dtype: () => 'bool' },
};

interface ElemCase {
  op: string;
  a: { dtype: DType; shape: number[] };
  b: { dtype: DType; shape: number[] };
  staticShape: boolean;
  hostile: boolean;
  seed: number;
}

const operand = (full: number[]) =>
  fc
    .record({ dtype: dtypeArb, drop: fc.nat(full.length), ones: fc.array(fc.nat(3), { minLength: full.length, maxLength: full.length }) })
    .map(({ dtype, drop, ones }) => ({
      dtype,
      shape: full.map((d, i) => (ones[i] === 0 ? 1 : ones[i] === 1 && d > 0 ? d + 1 : d)).slice(drop),
    }));
const elemArb: fc.Arbitrary<ElemCase> = shapeArb(3).chain((full) =>
  fc.record({
    op: fc.constantFrom(...Object.keys(BINARY)),
    a: operand(full),
    b: operand(full),
    staticShape: fc.boolean(),
    hostile: fc.boolean(),
    seed: fc.nat(),
  }),
);

function elemRun(c: ElemCase): void {
  const av = valuesFor(c.a.dtype, c.a.shape, c.seed, c.hostile);
  const bv = valuesFor(c.b.dtype, c.b.shape, c.seed + 1, c.hostile);
  const { f, dtype } = BINARY[c.op]!;
  let want: Expected;
  try {
    const d = dtype(c.a.dtype, c.b.dtype);
    want = { errors: [], value: stored(d, R.zipWith([toArr(av), toArr(bv)], f)), dtype: d };
  } catch {
    want = { errors: [theano.ShapeError] };
  }
  checkCase(
    `${c.op}(a ${c.a.dtype} ${JSON.stringify(c.a.shape)}, b ${c.b.dtype} ${JSON.stringify(c.b.shape)})`,
    () => {
      const a = input(c.a.dtype, c.a.shape, 'a', c.staticShape);
      const b = input(c.b.dtype, c.b.shape, 'b', c.staticShape);
      return { inputs: [a, b], out: (T[c.op as 'add'] as (x: Variable, y: Variable) => Variable)(a, b), args: [av, bv] };
    },
    want,
    1e-6,
  );
}

export const opsProperties: FuzzProperty[] = [
  fuzzProperty('sum, mean, max, min, argmax with random axes against NumPy', 200, reduceArb, reduceRun),
  fuzzProperty('reshape to random shapes (constant and symbolic sizes) against NumPy', 150, reshapeArb, reshapeRun),
  fuzzProperty('dimshuffle with random patterns against NumPy', 100, shuffleArb, shuffleRun),
  fuzzProperty('broadcasting elementwise ops on random shapes and dtypes against NumPy', 200, elemArb, elemRun),
];
