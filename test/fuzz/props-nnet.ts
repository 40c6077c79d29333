/**
 * Properties: dot on operands of random ranks and sizes, softmax on hostile logits, conv2d with random shapes and
 * options, and maxPool2d with random windows, strides, padding and modes give the independent references'
 * results (test/helpers) or the documented error — a DTypeError for a wrong rank, dtype or option, a ShapeError
 * for sizes that cannot work — never a wrong value or a plain Error.
 */
import fc from 'fast-check';
import * as theano from '../../src/index.js';
import { T } from '../../src/index.js';
import type { DType, Variable } from '../../src/index.js';
import * as R from '../helpers/reference.js';
import { refConv2d, type RefBorder } from '../helpers/conv-reference.js';
import { dtypeArb, valuesFor } from './arbitraries.js';
import { checkCase, type Expected } from './check-graph.js';
import { fuzzProperty, type FuzzProperty } from './suites.js';

const toArr = (a: theano.NDArray): R.Arr => ({ shape: a.shape.slice(), data: Float64Array.from(a.data) });
const isFloat = (d: DType): boolean => d === 'float32' || d === 'float64';
const RANK: Record<DType, number> = { bool: 0, uint8: 1, int32: 2, float32: 3, float64: 4 };
const upcast = (a: DType, b: DType): DType =>
  a === b ? a : (a === 'int32' && b === 'float32') || (a === 'float32' && b === 'int32') ? 'float64' : RANK[a] >= RANK[b] ? a : b;
const store = (d: DType, v: number): number =>
  d === 'bool' ? (v !== 0 ? 1 : 0) : d === 'float32' ? Math.fround(v) : d === 'int32' ? v | 0 : d === 'uint8' ? v & 255 : v;

// ---------------------------------------------------------------------------------------------------------
// dot

interface DotCase {
  a: { dtype: DType; shape: number[] };
  b: { dtype: DType; shape: number[] };
  staticShape: boolean;
  seed: number;
}
const dotArb: fc.Arbitrary<DotCase> = fc
  .record({
    ra: fc.integer({ min: 0, max: 3 }),
    rb: fc.integer({ min: 0, max: 3 }),
    dims: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 6, maxLength: 6 }),
    agree: fc.nat(4),
    da: dtypeArb,
    db: dtypeArb,
    staticShape: fc.boolean(),
    seed: fc.nat(),
  })
  .map(({ ra, rb, dims, agree, da, db, staticShape, seed }) => {
    const a = dims.slice(0, ra);
    const b = dims.slice(3, 3 + rb);
    if (agree > 0 && a.length && b.length) b[0] = a[a.length - 1]!;
    return { a: { dtype: da, shape: a }, b: { dtype: db, shape: b }, staticShape, seed };
  });

function dotRun(c: DotCase): void {
  const av = valuesFor(c.a.dtype, c.a.shape, c.seed);
  const bv = valuesFor(c.b.dtype, c.b.shape, c.seed + 1);
  const ra = c.a.shape.length;
  const rb = c.b.shape.length;
  let want: Expected;
  if (ra < 1 || ra > 2 || rb < 1 || rb > 2) want = { errors: [theano.DTypeError] };
  else if (c.a.shape[ra - 1] !== c.b.shape[0]) want = { errors: [theano.ShapeError] };
  else {
    const d = upcast(c.a.dtype, c.b.dtype) === 'bool' ? 'int32' : upcast(c.a.dtype, c.b.dtype);
    const ref = R.dot(toArr(av), toArr(bv));
    want = { errors: [], value: { shape: ref.shape, data: ref.data.map((v) => store(d, v)) }, dtype: d };
  }
  checkCase(
    `dot(a ${c.a.dtype} ${JSON.stringify(c.a.shape)}, b ${c.b.dtype} ${JSON.stringify(c.b.shape)})`,
    () => {
      const a = T.tensor(c.a.dtype, c.staticShape ? c.a.shape : ra, 'a');
      const b = T.tensor(c.b.dtype, c.staticShape ? c.b.shape : rb, 'b');
      return { inputs: [a, b], out: T.dot(a, b), args: [av, bv] };
    },
    want,
    1e-6,
  );
}

// ---------------------------------------------------------------------------------------------------------
// softmax on hostile logits

interface SoftmaxCase {
  shape: number[];
  dtype: DType;
  specials: number[];
  seed: number;
}
const softmaxArb: fc.Arbitrary<SoftmaxCase> = fc.record({
  shape: fc.array(fc.integer({ min: 1, max: 4 }), { maxLength: 3 }),
  dtype: fc.constantFrom<DType>('float64', 'float64', 'float32', 'int32'),
  specials: fc.array(fc.constantFrom(NaN, Infinity, -Infinity, 1e300, -1e300, 700, -700), { maxLength: 3 }),
  seed: fc.nat(),
});

function softmaxRun(c: SoftmaxCase): void {
  const xv = valuesFor(c.dtype, c.shape, c.seed);
  if (isFloat(c.dtype)) c.specials.forEach((v, k) => xv.size && (xv.data[(c.seed + 7 * k) % xv.size] = v));
  const r = c.shape.length;
  // The row max is subtracted first: finite logits of any size are safe; a row with NaN or +Infinity is NaN.
  const want: Expected = r < 1 || r > 2 || !isFloat(c.dtype) ? { errors: [theano.DTypeError] } : { errors: [], value: rowSoftmax(toArr(xv), c.dtype) };
  checkCase(
    `softmax(x ${c.dtype} ${JSON.stringify(c.shape)}, specials ${c.specials})`,
    () => {
      const x = T.tensor(c.dtype, r, 'x');
      return { inputs: [x], out: T.nnet.softmax(x), args: [xv] };
    },
    want,
    c.dtype === 'float32' ? 1e-5 : 1e-12,
  );
}

function rowSoftmax(x: R.Arr, d: DType): R.Arr {
  const out = R.softmax(x);
  return { shape: out.shape, data: out.data.map((v) => store(d, v)) };
}

// ---------------------------------------------------------------------------------------------------------
// conv2d

interface ConvCase {
  x: number[];
  w: number[];
  border: RefBorder;
  stride: [number, number];
  flip: boolean;
  dtypes: [DType, DType];
  seed: number;
}
const convArb: fc.Arbitrary<ConvCase> = fc.record({
  x: fc.oneof(
    {
      arbitrary: fc
        .tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 }), fc.integer({ min: 0, max: 5 }), fc.integer({ min: 1, max: 5 }))
        .map((t) => [...t]),
      weight: 8,
    },
    { arbitrary: fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 5 }), weight: 1 },
  ),
  w: fc.oneof(
    {
      arbitrary: fc
        .tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }))
        .map((t) => [...t]),
      weight: 8,
    },
    { arbitrary: fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 5 }), weight: 1 },
  ),
  border: fc.oneof(
    fc.constantFrom<RefBorder>('valid', 'full', 'half'),
    fc.integer({ min: 0, max: 2 }),
    fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 2 })),
  ),
  stride: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
  flip: fc.boolean(),
  dtypes: fc.tuple(fc.constantFrom<DType>('float64', 'float64', 'float32', 'int32'), fc.constantFrom<DType>('float64', 'float64', 'float32')),
  seed: fc.nat(),
});

function convExpected(c: ConvCase, x: R.Arr, w: R.Arr): Expected {
  if (c.x.length !== 4 || c.w.length !== 4 || !isFloat(c.dtypes[0]) || !isFloat(c.dtypes[1])) return { errors: [theano.DTypeError] };
  if (c.x[1] !== c.w[1]) return { errors: [theano.ShapeError] };
  const pad = (f: number, k: 0 | 1): number =>
    c.border === 'valid' ? 0 : c.border === 'full' ? f - 1 : c.border === 'half' ? Math.floor(f / 2) : typeof c.border === 'number' ? c.border : c.border[k];
  const fits = [0, 1].every((k) => c.x[2 + k]! >= 1 && c.x[2 + k]! + 2 * pad(c.w[2 + k]!, k as 0 | 1) >= c.w[2 + k]!);
  if (!fits) return { errors: [theano.ShapeError] };
  const out = refConv2d(x, w, { border: c.border, stride: c.stride, flip: c.flip });
  const d = upcast(c.dtypes[0], c.dtypes[1]);
  return { errors: [], value: { shape: out.shape, data: out.data.map((v) => store(d, v)) }, dtype: d };
}

function convRun(c: ConvCase): void {
  const xv = valuesFor(c.dtypes[0], c.x, c.seed);
  const wv = valuesFor(c.dtypes[1], c.w, c.seed + 1);
  checkCase(
    `conv2d(x ${JSON.stringify(c.x)}, w ${JSON.stringify(c.w)}, ${JSON.stringify({ border: c.border, stride: c.stride, flip: c.flip })})`,
    () => {
      const x = T.tensor(c.dtypes[0], c.x.length, 'x');
      const w = T.tensor(c.dtypes[1], c.w.length, 'w');
      const out = T.nnet.conv2d(x, w, { borderMode: c.border, subsample: c.stride, filterFlip: c.flip });
      return { inputs: [x, w], out, args: [xv, wv] };
    },
    convExpected(c, toArr(xv), toArr(wv)),
    1e-5,
  );
}

// ---------------------------------------------------------------------------------------------------------
// maxPool2d

type Mode = 'max' | 'sum' | 'averageIncPad' | 'averageExcPad' | 'l2';
interface PoolCase {
  shape: number[];
  ws: [number, number];
  stride: [number, number] | undefined;
  pad: [number, number];
  ignoreBorder: boolean;
  mode: Mode;
  seed: number;
}
const poolArb: fc.Arbitrary<PoolCase> = fc.record({
  shape: fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 4 }),
  ws: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
  stride: fc.option(fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })), { nil: undefined }),
  pad: fc.oneof(
    { arbitrary: fc.constant<[number, number]>([0, 0]), weight: 3 },
    { arbitrary: fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 2 })), weight: 1 },
  ),
  ignoreBorder: fc.boolean(),
  mode: fc.constantFrom<Mode>('max', 'sum', 'averageIncPad', 'averageExcPad', 'l2'),
  seed: fc.nat(),
});

/** Theano's Pool.out_shape on one axis, and each window's real range (padding excluded) and its padded length. */
function windows(n: number, ws: number, st: number, pad: number, ignoreBorder: boolean): { start: number; end: number; padded: number }[] | null {
  const len = n + 2 * pad;
  let out: number;
  if (ignoreBorder) out = len < ws ? -1 : Math.floor((len - ws) / st) + 1;
  else out = st >= ws ? Math.floor((len - 1) / st) + 1 : Math.max(0, Math.floor((len - 1 - ws + st) / st)) + 1;
  if (out < 0) return null;
  return Array.from({ length: out }, (_, j) => {
    const s = j * st;
    const e = Math.min(s + ws, len);
    return { start: Math.max(s, pad) - pad, end: Math.min(e, n + pad) - pad, padded: e - s };
  });
}

function poolExpected(c: PoolCase, x: R.Arr): Expected {
  const st = c.stride ?? c.ws;
  if (c.shape.length < 2) return { errors: [theano.DTypeError] };
  if ((c.pad[0] || c.pad[1]) && !c.ignoreBorder) return { errors: [theano.ShapeError] };
  if (c.pad[0] >= c.ws[0] || c.pad[1] >= c.ws[1]) return { errors: [theano.ShapeError] };
  const [h, w] = c.shape.slice(-2) as [number, number];
  const rows = windows(h, c.ws[0], st[0], c.pad[0], c.ignoreBorder);
  const cols = windows(w, c.ws[1], st[1], c.pad[1], c.ignoreBorder);
  if (h === 0 || w === 0 || !rows || !cols) return { errors: [theano.ShapeError] };
  const planes = c.shape.slice(0, -2).reduce((a, b) => a * b, 1);
  const data: number[] = [];
  for (let p = 0; p < planes; p++) {
    for (const r of rows) {
      for (const q of cols) {
        const vals: number[] = [];
        for (let i = r.start; i < r.end; i++) for (let j = q.start; j < q.end; j++) vals.push(x.data[p * h * w + i * w + j]!);
        const sum = vals.reduce((a, b) => a + b, 0);
        const v = {
          max: Math.max(...vals),
          sum,
          averageIncPad: sum / (r.padded * q.padded),
          averageExcPad: sum / vals.length,
          l2: Math.sqrt(vals.reduce((a, b) => a + b * b, 0)),
        }[c.mode];
        data.push(v);
      }
    }
  }
  return { errors: [], value: { shape: [...c.shape.slice(0, -2), rows.length, cols.length], data }, dtype: 'float64' };
}

function poolRun(c: PoolCase): void {
  const xv = valuesFor('float64', c.shape, c.seed);
  checkCase(
    `maxPool2d(x ${JSON.stringify(c.shape)}, ${JSON.stringify({ ws: c.ws, stride: c.stride, pad: c.pad, ignoreBorder: c.ignoreBorder, mode: c.mode })})`,
    () => {
      const x: Variable = T.tensor('float64', c.shape.length, 'x');
      return { inputs: [x], out: T.signal.maxPool2d(x, { ws: c.ws, stride: c.stride, pad: c.pad, ignoreBorder: c.ignoreBorder, mode: c.mode }), args: [xv] };
    },
    poolExpected(c, toArr(xv)),
    1e-12,
  );
}

export const nnetProperties: FuzzProperty[] = [
  fuzzProperty('dot on operands of random ranks, sizes and dtypes against NumPy', 150, dotArb, dotRun),
  fuzzProperty('softmax of hostile logits against the reference', 100, softmaxArb, softmaxRun),
  fuzzProperty('conv2d with random shapes and options against the reference', 150, convArb, convRun),
  fuzzProperty('maxPool2d with random windows, strides, padding and modes against the reference', 150, poolArb, poolRun),
];
