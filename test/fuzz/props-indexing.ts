/**
 * Property: `x.get(...)` with ints, slices and int vectors (constant or symbolic), and setSubtensor /
 * incSubtensor of the region, give NumPy's result (test/helpers/reference.ts) — or, for an index out of
 * bounds, an IndexError naming 'x' and the axis's size; a zero step is an IndexError; a y that does not fit the
 * region is a ShapeError; never garbage.
 */
import fc from 'fast-check';
import * as theano from '../../src/index.js';
import { T } from '../../src/index.js';
import type { DType, NDArray, Variable } from '../../src/index.js';
import * as R from '../helpers/reference.js';
import { dtypeArb, valuesFor } from './arbitraries.js';
import { compileAndCompare } from './check-graph.js';
import { expectAgree, FuzzFailure } from './harness.js';
import { fuzzProperty, type FuzzProperty } from './suites.js';

type Entry = { int: number } | { slice: [number | null, number | null, number | null] } | { vec: number[] };

interface IndexCase {
  dtype: DType;
  shape: number[];
  staticShape: boolean;
  entries: Entry[];
  /** Per entry: pass its numbers as symbolic inputs (iscalar / ivector) instead of constants. */
  symbolic: boolean[];
  kind: 'get' | 'set' | 'inc';
  y: { mode: 'region' | 'broadcast' | 'wrong' | 'scalar' | 'extraAxis'; dtype: DType };
  seed: number;
}

const idx = fc.integer({ min: -6, max: 6 });
const bound = fc.option(idx, { freq: 3 });
const basicEntry: fc.Arbitrary<Entry> = fc.oneof(
  idx.map((int) => ({ int })),
  fc.tuple(bound, bound, fc.oneof({ arbitrary: fc.constant(null), weight: 3 }, { arbitrary: idx, weight: 3 })).map((slice) => ({ slice })),
);
const vecEntry: fc.Arbitrary<Entry> = fc.array(idx, { maxLength: 4 }).map((vec) => ({ vec }));
const fullSlice: Entry = { slice: [null, null, null] };

const caseArb: fc.Arbitrary<IndexCase> = fc
  .record({
    dtype: dtypeArb,
    shape: fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 3 }),
    staticShape: fc.boolean(),
    advanced: fc.nat(9),
    basic: fc.array(basicEntry, { maxLength: 4 }),
    lead: fc.array(fc.oneof({ arbitrary: vecEntry, weight: 3 }, { arbitrary: idx.map((int): Entry => ({ int })), weight: 1 }), { minLength: 1, maxLength: 3 }),
    trailing: fc.nat(2),
    symbolic: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
    kind: fc.constantFrom<IndexCase['kind']>('get', 'get', 'set', 'inc'),
    y: fc.record({ mode: fc.constantFrom<IndexCase['y']['mode']>('region', 'region', 'broadcast', 'wrong', 'scalar', 'extraAxis'), dtype: dtypeArb }),
    seed: fc.nat(),
  })
  .map(({ advanced, basic, lead, trailing, ...c }) => {
    // Mostly NumPy's usual forms; now and then a vector after a slice (an error tsano reports).
    let entries: Entry[] = basic;
    if (advanced >= 6) entries = [...lead, ...new Array<Entry>(trailing).fill(fullSlice)];
    else if (advanced === 5) entries = [fullSlice, ...lead];
    if (!entries.some((e) => 'vec' in e)) entries = entries.slice(0, c.shape.length + (advanced === 0 ? 1 : 0));
    return { ...c, entries };
  });

/** What may happen: each error tsano may raise (a case can have several problems), or the value when there is none. */
interface Expected {
  errors: { cls: typeof theano.TsanoError; bounds?: number[] }[];
  value?: R.Arr;
}

const store = (dtype: DType, v: number): number =>
  dtype === 'bool' ? (v !== 0 ? 1 : 0) : dtype === 'float32' ? Math.fround(v) : dtype === 'int32' ? v | 0 : dtype === 'uint8' ? v & 255 : v;

/** The selection's shape whatever the index values (null when the index has the wrong form or a zero step). */
function regionShape(c: IndexCase): number[] | null {
  if (c.entries.length > c.shape.length) return null;
  if (c.entries.some((e) => 'vec' in e)) {
    const k = c.entries.findIndex((e) => 'slice' in e);
    const lead = k === -1 ? c.entries : c.entries.slice(0, k);
    const lens = lead.map((e) => ('vec' in e ? e.vec.length : 1));
    return [lens.some((d) => d === 0) ? 0 : Math.max(1, ...lens), ...c.shape.slice(lead.length)];
  }
  if (c.entries.some((e) => 'slice' in e && e.slice[2] === 0)) return null;
  return c.shape.flatMap((n, a) => {
    const e = c.entries[a];
    if (!e) return [n];
    if ('int' in e) return [];
    const [start, stop, step] = (e as { slice: (number | null)[] }).slice;
    return [R.pySliceIndices(n, { start, stop, step }).length];
  });
}

/** NumPy's answer for the case, or the errors tsano may raise. */
function expected(c: IndexCase, x: R.Arr, y: R.Arr | null): Expected {
  const nominal = regionShape(c);
  const yFits = (region: readonly number[]): boolean =>
    !y || (y.shape.length <= region.length && y.shape.every((d, a) => d === 1 || d === region[region.length - y.shape.length + a]));
  // With several problems, any of them may be reported: a y that does not fit its region is one.
  const errors: Expected['errors'] = c.kind !== 'get' && nominal && !yFits(nominal) ? [{ cls: theano.ShapeError }] : [];
  const rank = c.shape.length - c.entries.filter((e) => 'int' in e).length;
  if (c.kind !== 'get' && !nominal && y && y.shape.length > rank) errors.push({ cls: theano.ShapeError });
  if (c.entries.length > c.shape.length) return { errors: [...errors, { cls: theano.IndexError }] };
  const oobIn = (list: readonly number[], a: number): boolean => list.some((i) => i < -c.shape[a]! || i >= c.shape[a]!);
  let region: number[] | undefined;
  let apply: ((y: R.Arr) => R.Arr) | undefined;
  let get: (() => R.Arr) | undefined;
  if (c.entries.some((e) => 'vec' in e)) {
    const k = c.entries.findIndex((e) => 'slice' in e);
    const lead = k === -1 ? c.entries : c.entries.slice(0, k);
    if (c.entries.slice(lead.length).some((e) => !('slice' in e) || e.slice.some((b) => b !== null))) return { errors: [{ cls: theano.DTypeError }] };
    if (errors.length) errors.push({ cls: theano.ShapeError });
    const lists = lead.map((e) => ('vec' in e ? e.vec : [(e as { int: number }).int]));
    const lens = lists.map((l) => l.length);
    const n = lens.some((d) => d === 0) ? 0 : Math.max(1, ...lens);
    if (lens.some((d) => d !== 1 && d !== n && !(n === 0 && d === 0))) errors.push({ cls: theano.ShapeError });
    const oob = lists.flatMap((l, a) => (oobIn(l, a) ? [c.shape[a]!] : []));
    if (oob.length) errors.push({ cls: theano.IndexError, bounds: oob });
    // An empty selection reads nothing: out-of-bounds values in it may pass (as in NumPy) or be reported.
    if (errors.length && !(n === 0 && errors.every((e) => e.cls === theano.IndexError))) return { errors };
    region = [n, ...c.shape.slice(lists.length)];
    get = () => (n === 0 ? { shape: region!, data: new Float64Array(0) } : R.take(x, lists));
    apply = (yb) =>
      n === 0
        ? R.clone(x)
        : sequential(
            c,
            x,
            R.take(
              R.arr(x.shape, (i) => i),
              lists,
            ),
            yb,
          );
  } else {
    const index: R.BasicIndex[] = c.entries.map((e) =>
      'int' in e
        ? e.int
        : {
            start: (e as { slice: (number | null)[] }).slice[0],
            stop: (e as { slice: (number | null)[] }).slice[1],
            step: (e as { slice: (number | null)[] }).slice[2],
          },
    );
    if (c.entries.some((e) => 'slice' in e && e.slice[2] === 0)) errors.push({ cls: theano.IndexError });
    const oob = c.entries.flatMap((e, a) => ('int' in e && oobIn([e.int], a) ? [c.shape[a]!] : []));
    if (oob.length) errors.push({ cls: theano.IndexError, bounds: oob });
    if (errors.length) return { errors };
    get = () => R.basicIndex(x, index);
    region = get().shape;
    apply = (yb) =>
      sequential(
        c,
        x,
        R.basicIndex(
          R.arr(x.shape, (i) => i),
          index,
        ),
        yb,
      );
  }
  if (c.kind === 'get') return { errors, value: get() };
  if (!yFits(region)) return { errors: [...errors, { cls: theano.ShapeError }] };
  if (errors.some((e) => e.cls !== theano.IndexError)) return { errors };
  return { errors, value: apply(y!) };
}

/**
 * x with y (broadcast to the selection) written at each selected position in order, each result stored in x's
 * dtype at once: repeated positions accumulate (inc) or the last wins (set), as the stored values would.
 */
function sequential(c: IndexCase, x: R.Arr, positions: R.Arr, y: R.Arr): R.Arr {
  const yb = R.zipWith([positions, y], (_p, v) => v);
  const out = R.clone(x);
  positions.data.forEach((p, i) => (out.data[p] = store(c.dtype, c.kind === 'set' ? yb.data[i]! : out.data[p]! + yb.data[i]!)));
  return out;
}

function yShape(c: IndexCase, region: number[], seed: number): number[] {
  switch (c.y.mode) {
    case 'region':
      return region;
    case 'scalar':
      return [];
    case 'broadcast':
      return region.slice(seed % (region.length + 1)).map((d, a) => ((seed >> a) & 1 ? 1 : d));
    case 'wrong':
      return region.length ? region.map((d, a) => (a === seed % region.length ? d + 2 : d)) : [2];
    case 'extraAxis':
      return [2, ...region];
  }
}

/** Builds x.get(...) (and the set/inc) from the case, with symbolic inputs where asked; returns inputs and their values. */
function build(c: IndexCase, x: Variable, xv: NDArray): { out: Variable; inputs: Variable[]; args: unknown[] } {
  const inputs: Variable[] = [x];
  const args: unknown[] = [xv];
  const sym = (k: number, v: number | number[]): number | number[] | Variable => {
    if (!c.symbolic[k % c.symbolic.length]) return v;
    const s = Array.isArray(v) ? T.ivector(`i${k}`) : T.iscalar(`i${k}`);
    inputs.push(s);
    args.push(v);
    return s;
  };
  const indices = c.entries.map((e, k) => {
    if ('int' in e) return sym(k, e.int);
    if ('vec' in e) return sym(k, e.vec);
    const [a, b, s] = e.slice.map((v, j) => (v === null ? null : sym(k * 3 + j, v)));
    return T.slice(a as never, b as never, s as never);
  });
  return { out: x.get(...(indices as never[])), inputs, args };
}

function run(c: IndexCase): void {
  const x = T.tensor(c.dtype, c.staticShape ? c.shape : c.shape.length, 'x');
  const xv = valuesFor(c.dtype, c.shape, c.seed);
  const xr: R.Arr = { shape: xv.shape.slice(), data: Float64Array.from(xv.data) };
  // The region's shape, for y: from NumPy's selection when it exists (else any y will do).
  const region = regionShape(c) ?? [1];
  const yv = valuesFor(c.y.dtype, yShape(c, region, c.seed), c.seed + 1);
  const yr: R.Arr = { shape: yv.shape.slice(), data: Float64Array.from(yv.data) };
  const want = expected(c, xr, yr);

  let err: Error | undefined;
  let result: NDArray | undefined;
  let out: Variable | undefined;
  try {
    const built = build(c, x, xv);
    out = built.out;
    if (c.kind !== 'get') {
      const y = T.tensor(c.y.dtype, yv.ndim, 'y');
      built.inputs.push(y);
      built.args.push(yv);
      out = c.kind === 'set' ? T.setSubtensor(built.out, y) : T.incSubtensor(built.out, y);
    }
    const r = compileAndCompare('indexing', built.inputs, [out], built.args);
    if (r && !r.ok) err = r.error;
    else if (r) result = r.value[0];
  } catch (e) {
    if (!(e instanceof theano.TsanoError)) throw e;
    err = e;
  }
  if (result) {
    if (!want.value)
      throw new FuzzFailure(
        `expected ${want.errors.map((e) => e.cls.name).join(' or ')}, got a result of shape [${result.shape}] (${theano.printing.pp(out!)})`,
      );
    if (result.dtype !== c.dtype) throw new FuzzFailure(`the result is ${result.dtype}, not x's ${c.dtype}`);
    // float32 increments round after each addition (repeated indices), the reference once.
    expectAgree(theano.printing.pp(out!), result, want.value, c.dtype === 'float32' ? 1e-6 : 0);
    return;
  }
  if (!err) return;
  const match = want.errors.filter((w) => err instanceof w.cls);
  if (!match.length)
    throw new FuzzFailure(
      `expected ${want.value ? `a result of shape [${want.value.shape}]` : want.errors.map((e) => e.cls.name).join(' or ')}, got ${err.name}: ${err.message}`,
    );
  const bounds = match.flatMap((w) => w.bounds ?? []);
  if (
    err instanceof theano.IndexError &&
    !match.some((w) => !w.bounds) &&
    !(/'x'/.test(err.message) && bounds.some((n) => err.message.includes(`size ${n}`)))
  ) {
    throw new FuzzFailure(`an index out of bounds must name 'x' and the axis's size (${bounds.join(' or ')}): ${err.message}`);
  }
}

export const indexingProperties: FuzzProperty[] = [fuzzProperty('indexing, setSubtensor and incSubtensor against NumPy', 500, caseArb, run)];
