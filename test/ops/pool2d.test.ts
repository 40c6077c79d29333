/**
 * T.signal.maxPool2d (Theano 1.0's pool_2d): every mode against an independent float64 loop written here,
 * Theano's output-shape tables, hand-worked fixtures, gradients against finite differences, ties, second
 * derivatives and errors.
 */
import { describe, expect, it } from 'vitest';
import * as theano from '../../src/index.js';
import { T } from '../../src/index.js';
import { checkGrad, dtensor, expectClose, fromND, toND } from '../helpers/check.js';
import { numericGradProjected } from '../helpers/numeric-grad.js';
import * as R from '../helpers/reference.js';
import type { Arr } from '../helpers/reference.js';

type Mode = 'max' | 'sum' | 'averageIncPad' | 'averageExcPad' | 'l2';
const MODES: Mode[] = ['max', 'sum', 'averageIncPad', 'averageExcPad', 'l2'];

interface Opts {
  ws: [number, number];
  stride?: [number, number];
  pad?: [number, number];
  ignoreBorder: boolean;
  mode: Mode;
}

// ---------------------------------------------------------------------------------------------------------
// The reference, written from the rules rather than from Theano's formulas: along an axis of padded length
// `len`, windows start at 0, stride, 2*stride, …; with ignoreBorder a window is kept when it fits entirely,
// without it a window is kept when it starts inside the axis and covers an element that no earlier window
// covered. Padding positions never contribute a value; averageIncPad divides by the number of window
// positions inside the padded image, averageExcPad by the number of real elements.

function windowStarts(len: number, ws: number, st: number, ignoreBorder: boolean): number[] {
  const starts: number[] = [];
  for (let s = 0; ; s += st) {
    if (ignoreBorder) {
      if (s + ws > len) break;
    } else {
      if (s >= len) break;
      const prev = starts[starts.length - 1];
      if (prev !== undefined && prev + ws >= len) break;
    }
    starts.push(s);
  }
  return starts;
}

function refPool(a: Arr, o: Opts): Arr {
  const [ph, pw] = o.pad ?? [0, 0];
  const [sh, sw] = o.stride ?? o.ws;
  const [wh, ww] = o.ws;
  const nd = a.shape.length;
  const H = a.shape[nd - 2]!;
  const W = a.shape[nd - 1]!;
  const rows = windowStarts(H + 2 * ph, wh, sh, o.ignoreBorder);
  const cols = windowStarts(W + 2 * pw, ww, sw, o.ignoreBorder);
  const lead = a.shape.slice(0, -2);
  const out = R.arr([...lead, rows.length, cols.length]);
  const planes = R.sizeOf(lead);
  let k = 0;
  for (let p = 0; p < planes; p++) {
    for (const s of rows) {
      for (const t of cols) {
        let mx = -Infinity;
        let sum = 0;
        let sq = 0;
        let real = 0;
        let inImage = 0;
        for (let py = s; py < s + wh; py++) {
          for (let px = t; px < t + ww; px++) {
            if (py >= H + 2 * ph || px >= W + 2 * pw) continue; // past the padded image (a partial window)
            inImage++;
            const y = py - ph;
            const x = px - pw;
            if (y < 0 || y >= H || x < 0 || x >= W) continue; // padding
            real++;
            const v = a.data[p * H * W + y * W + x]!;
            mx = Math.max(mx, v);
            sum += v;
            sq += v * v;
          }
        }
        const value = { max: mx, sum, averageIncPad: sum / inImage, averageExcPad: sum / real, l2: Math.sqrt(sq) }[o.mode];
        out.data[k++] = value;
      }
    }
  }
  return out;
}

const pool = (x: theano.Variable, o: Opts): theano.Variable => T.signal.maxPool2d(x, o);

// ---------------------------------------------------------------------------------------------------------

describe('T.signal.maxPool2d: output shapes (Theano 1.0 Pool.out_shape)', () => {
  const shapeOf = (h: number, w: number, o: Omit<Opts, 'mode'>): number[] => {
    const x = T.dmatrix('x');
    return theano.function([x], T.signal.maxPool2d(x, o))(theano.ndarray(new Float64Array(h * w), [h, w])).shape;
  };

  it('documented examples: 5x5 with ws 2 gives 2x2 with ignoreBorder, 3x3 without; (9, 8, 6) with ws 2 gives (9, 4, 3)', () => {
    expect(shapeOf(5, 5, { ws: [2, 2], ignoreBorder: true })).toEqual([2, 2]);
    expect(shapeOf(5, 5, { ws: [2, 2], ignoreBorder: false })).toEqual([3, 3]);
    const t = T.dtensor3('t');
    const f = theano.function([t], [T.signal.maxPool2d(t, { ws: [2, 2], ignoreBorder: false }), T.signal.maxPool2d(t, { ws: [2, 2] })]);
    expect(f(theano.ndarray(new Float64Array(9 * 8 * 6), [9, 8, 6])).map((o) => o.shape)).toEqual([
      [9, 4, 3],
      [9, 4, 3],
    ]);
  });

  it("Theano's stride table on 16x16 images (test_DownsampleFactorMaxStride)", () => {
    const table: [[number, number], boolean, [number, number], [number, number]][] = [
      [[1, 1], true, [1, 1], [16, 16]],
      [[1, 1], true, [3, 3], [6, 6]],
      [[1, 1], true, [5, 7], [4, 3]],
      [[1, 1], false, [1, 1], [16, 16]],
      [[1, 1], false, [3, 3], [6, 6]],
      [[1, 1], false, [5, 7], [4, 3]],
      [[3, 3], true, [1, 1], [14, 14]],
      [[3, 3], true, [3, 3], [5, 5]],
      [[3, 3], true, [5, 7], [3, 2]],
      [[3, 3], false, [1, 1], [14, 14]],
      [[3, 3], false, [3, 3], [6, 6]],
      [[3, 3], false, [5, 7], [4, 3]],
      [[5, 3], true, [1, 1], [12, 14]],
      [[5, 3], true, [3, 3], [4, 5]],
      [[5, 3], true, [5, 7], [3, 2]],
      [[5, 3], false, [1, 1], [12, 14]],
      [[5, 3], false, [3, 3], [5, 6]],
      [[5, 3], false, [5, 7], [4, 3]],
    ];
    for (const [ws, ignoreBorder, stride, expected] of table) {
      expect(shapeOf(16, 16, { ws, ignoreBorder, stride }), JSON.stringify({ ws, ignoreBorder, stride })).toEqual(expected);
    }
  });

  it("Theano's extra stride table (test_DownsampleFactorMaxStrideExtra); Theano's empty outputs are errors here", () => {
    const table: [[number, number], [number, number], [number, number], [number, number] | 'error', [number, number]][] = [
      // ws, stride, image, ignoreBorder true, ignoreBorder false
      [
        [5, 3],
        [3, 2],
        [16, 16],
        [4, 7],
        [5, 8],
      ],
      [
        [5, 3],
        [7, 5],
        [16, 16],
        [2, 3],
        [3, 4],
      ],
      [
        [5, 3],
        [10, 6],
        [16, 16],
        [2, 3],
        [2, 3],
      ],
      [
        [5, 5],
        [1, 1],
        [8, 5],
        [4, 1],
        [4, 1],
      ],
      [
        [3, 2],
        [2, 3],
        [8, 5],
        [3, 2],
        [4, 2],
      ],
      [[7, 7], [10, 10], [8, 5], 'error', [1, 1]], // Theano: (1, 0)
      [[9, 9], [1, 1], [8, 5], 'error', [1, 1]], // Theano: (0, 0)
    ];
    for (const [ws, stride, [h, w], withBorder, without] of table) {
      if (withBorder === 'error') expect(() => shapeOf(h, w, { ws, stride, ignoreBorder: true })).toThrowError(theano.ShapeError);
      else expect(shapeOf(h, w, { ws, stride, ignoreBorder: true })).toEqual(withBorder);
      expect(shapeOf(h, w, { ws, stride, ignoreBorder: false })).toEqual(without);
    }
  });

  it('with padding: (5, 5) + pad (1, 1), ws 2 → 3x3; pad (2, 1), ws (3, 2), stride (2, 1) → (4, 6)', () => {
    expect(shapeOf(5, 5, { ws: [2, 2], pad: [1, 1], ignoreBorder: true })).toEqual([3, 3]);
    // rows: (5 + 4 - 3) // 2 + 1 = 4; cols: (5 + 2 - 2) // 1 + 1 = 6
    expect(shapeOf(5, 5, { ws: [3, 2], stride: [2, 1], pad: [2, 1], ignoreBorder: true })).toEqual([4, 6]);
  });

  it('static shapes are inferred where the input sizes are known', () => {
    const x = T.tensor('float64', [2, null, 5, 7], 'x');
    expect(T.signal.maxPool2d(x).type.shape).toEqual([2, null, 2, 3]);
    expect(T.signal.maxPool2d(x, { ignoreBorder: false }).type.shape).toEqual([2, null, 3, 4]);
    expect(T.signal.maxPool2d(x, { ws: [3, 2], stride: [1, 3], pad: [1, 1] }).type.shape).toEqual([2, null, 5, 3]);
    expect(T.signal.maxPool2d(T.tensor('float32', [null, 6], 'y')).type.shape).toEqual([null, 3]);
  });
});

describe('T.signal.maxPool2d: values', () => {
  const m5 = R.arr([5, 5], (i) => i + 1); // 1..25, row-major

  it('hand-worked: 5x5 (1..25), ws 2, ignoreBorder false: partial windows at the bottom and right', () => {
    const x = T.dmatrix('x');
    const outs = MODES.map((mode) => pool(x, { ws: [2, 2], ignoreBorder: false, mode }));
    const [mx, sum, inc, exc, l2] = theano.function([x], outs)(toND(m5));
    expectClose(mx!, [
      [7, 9, 10],
      [17, 19, 20],
      [22, 24, 25],
    ]);
    expectClose(sum!, [
      [16, 24, 15],
      [56, 64, 35],
      [43, 47, 25],
    ]);
    // Theano divides a partial window (ignoreBorder false) by the elements it covers, in both averages.
    expectClose(inc!, [
      [4, 6, 7.5],
      [14, 16, 17.5],
      [21.5, 23.5, 25],
    ]);
    expectClose(exc!, [
      [4, 6, 7.5],
      [14, 16, 17.5],
      [21.5, 23.5, 25],
    ]);
    expectClose(l2!, [
      [Math.sqrt(1 + 4 + 36 + 49), Math.sqrt(9 + 16 + 64 + 81), Math.sqrt(25 + 100)],
      [Math.sqrt(121 + 144 + 256 + 289), Math.sqrt(169 + 196 + 324 + 361), Math.sqrt(225 + 400)],
      [Math.sqrt(441 + 484), Math.sqrt(529 + 576), 25],
    ]);
  });

  it('hand-worked: 3x3 (1..9) with pad (1, 1), ws 2: padding never wins, averageIncPad counts it', () => {
    const x = T.dmatrix('x');
    const m3 = R.arr([3, 3], (i) => i + 1);
    const outs = MODES.map((mode) => pool(x, { ws: [2, 2], pad: [1, 1], ignoreBorder: true, mode }));
    const [mx, sum, inc, exc] = theano.function([x], outs)(toND(m3));
    expectClose(mx!, [
      [1, 3],
      [7, 9],
    ]);
    expectClose(sum!, [
      [1, 5],
      [11, 28],
    ]);
    expectClose(inc!, [
      [1 / 4, 5 / 4],
      [11 / 4, 28 / 4],
    ]);
    expectClose(exc!, [
      [1, 2.5],
      [5.5, 7],
    ]);
    // All negative: max still ignores the padding (which would be 0 if it took part).
    const neg = theano.function([x], pool(x, { ws: [2, 2], pad: [1, 1], ignoreBorder: true, mode: 'max' }))(toND(R.map(m3, (v) => -v)));
    expectClose(neg, [
      [-1, -2],
      [-4, -5],
    ]);
  });

  it('against the reference: every mode, both ignoreBorder values, windows, strides, pads, ranks 2-4', () => {
    const shapes = [
      [5, 7],
      [3, 5, 7],
      [2, 2, 6, 5],
    ];
    const windows: [number, number][] = [
      [2, 2],
      [3, 2],
    ];
    const strides: ([number, number] | undefined)[] = [undefined, [1, 1], [3, 4]];
    const pads: [number, number][] = [
      [0, 0],
      [1, 1],
      [1, 0],
    ];
    const rand = R.rng(7);
    let cases = 0;
    for (const shape of shapes) {
      const a = R.randArr(shape, rand, -3, 3);
      const x = dtensor(shape.length, 'x');
      for (const ws of windows) {
        for (const stride of strides) {
          for (const pad of pads) {
            for (const ignoreBorder of [true, false]) {
              if (!ignoreBorder && (pad[0] || pad[1])) continue; // Theano: padding needs ignoreBorder
              const configs = MODES.map((mode) => ({ ws, stride, pad, ignoreBorder, mode }));
              const outs = theano.function(
                [x],
                configs.map((o) => pool(x, o)),
              )(toND(a));
              configs.forEach((o, k) => {
                expectClose(outs[k]!, refPool(a, o), { what: JSON.stringify({ shape, ...o }) });
                cases++;
              });
            }
          }
        }
      }
    }
    expect(cases).toBe(3 * 2 * 3 * 4 * MODES.length);
  });

  it('float32 inputs stay float32; int32 works for max', () => {
    const x = T.ftensor4('x');
    const a = R.randArr([2, 3, 6, 6], R.rng(3), -1, 1);
    for (const mode of MODES) {
      const y = pool(x, { ws: [2, 2], ignoreBorder: true, mode });
      expect(y.dtype).toBe('float32');
      const got = theano.function([x], y)(toND(a, 'float32'));
      const a32 = { shape: a.shape, data: Float64Array.from(Float32Array.from(a.data)) };
      expectClose(got, refPool(a32, { ws: [2, 2], ignoreBorder: true, mode }), { atol: 1e-6, rtol: 1e-6, what: mode });
    }
    const i = T.imatrix('i');
    expect(
      theano
        .function(
          [i],
          T.signal.maxPool2d(i),
        )([
          [1, 5, -2, 0],
          [3, 4, 8, 1],
        ])
        .toArray(),
    ).toEqual([[5, 8]]);
  });

  it('float32 max (computed on the bits) against the reference, with NaN of either sign, ±0, ±Infinity and ties', () => {
    const x = T.ftensor3('x');
    const rand = R.rng(9);
    const a = R.map(R.randArr([2, 7, 9], rand, -2, 2), (v) => Math.fround(v));
    const special = [NaN, -Infinity, Infinity, -0, 0, 1.5, 1.5, -3.25e-39 /* subnormal */, -1e38];
    special.forEach((v, k) => (a.data[k * 13] = v));
    const x32 = toND(a, 'float32');
    new Int32Array(x32.data.buffer)[50] = 0xffc00000 | 0; // a NaN with the sign bit set
    a.data[50] = NaN;
    const configs: Opts[] = [
      { ws: [2, 2], ignoreBorder: true, mode: 'max' },
      { ws: [3, 2], stride: [1, 1], ignoreBorder: false, mode: 'max' },
      { ws: [2, 3], stride: [3, 4], pad: [1, 1], ignoreBorder: true, mode: 'max' },
      { ws: [9, 9], ignoreBorder: false, mode: 'max' },
    ];
    const outs = theano.function(
      [x],
      configs.map((o) => pool(x, o)),
    )(x32);
    configs.forEach((o, k) => {
      const ref = refPool(a, o);
      expectClose(outs[k]!, ref, { what: JSON.stringify(o) });
      // Math.max's ordering of zeros: -0 only when every element is -0 (or -Infinity…).
      ref.data.forEach((v, i) => expect(Object.is(outs[k]!.data[i], v), `${JSON.stringify(o)} element ${i}`).toBe(true));
    });
  });

  it('NaN in a window gives NaN (as T.max); infinities pass through', () => {
    const x = T.dmatrix('x');
    const got = theano.function(
      [x],
      T.signal.maxPool2d(x),
    )([
      [NaN, 1, -Infinity, -Infinity],
      [2, 3, -Infinity, -Infinity],
    ]);
    expect(Number.isNaN(got.get(0, 0))).toBe(true);
    expect(got.get(0, 1)).toBe(-Infinity);
  });

  it('defaults: ws (2, 2), stride = ws, ignoreBorder true, mode max; pool2d is an alias', () => {
    const x = T.dtensor3('x');
    const a = R.randArr([2, 5, 5], R.rng(4));
    const f = theano.function([x], [T.signal.maxPool2d(x), T.signal.pool2d(x, { mode: 'max' })]);
    const [d, alias] = f(toND(a));
    expectClose(d!, refPool(a, { ws: [2, 2], ignoreBorder: true, mode: 'max' }));
    expectClose(alias!, fromND(d!));
    expect(T.signal.pool2d).toBe(T.signal.maxPool2d);
  });

  it('prints as an op with its parameters', () => {
    const y = T.signal.maxPool2d(T.dtensor4('x'), { ws: [3, 2], mode: 'averageExcPad' });
    expect(y.owner!.op.toString()).toBe('maxPool2d{ws=(3,2),stride=(3,2),pad=(0,0),ignoreBorder=true,mode=averageExcPad}');
    expect(theano.printing.pp(y)).toContain('maxPool2d{');
  });
});

describe('T.signal.maxPool2d: gradients', () => {
  const gradCases: { shape: number[]; o: Omit<Opts, 'mode'> }[] = [
    { shape: [2, 4, 6], o: { ws: [2, 2], ignoreBorder: true } },
    { shape: [5, 7], o: { ws: [3, 2], ignoreBorder: false } },
    { shape: [1, 2, 5, 6], o: { ws: [3, 2], stride: [1, 1], ignoreBorder: false } },
    { shape: [5, 5], o: { ws: [2, 3], stride: [3, 4], ignoreBorder: true } },
    { shape: [2, 5, 4], o: { ws: [3, 2], stride: [2, 1], pad: [1, 1], ignoreBorder: true } },
    { shape: [4, 5], o: { ws: [2, 2], stride: [1, 2], pad: [1, 0], ignoreBorder: true } },
  ];

  for (const mode of MODES) {
    it(`${mode}: against central differences (distinct values)`, () => {
      const rand = R.rng(11);
      for (const { shape, o } of gradCases) {
        const x = dtensor(shape.length, 'x');
        // Shifted off 0 so that no one-element l2 window sits at its kink.
        const a = R.map(R.randDistinct(shape, rand, 0.1), (v) => v + 0.05);
        const opts = { ...o, mode };
        checkGrad({ wrt: [x], values: [a], out: pool(x, opts), ref: (v) => refPool(v, opts) });
      }
    });
  }

  it('max: tied maxima all receive the gradient, summed over overlapping windows (Theano)', () => {
    const x = T.dmatrix('x');
    const g = theano.function([x], T.grad(T.sum(T.signal.maxPool2d(x, { ws: [2, 2], stride: [1, 1] })), x));
    expect(
      g([
        [1, 1, 1],
        [1, 1, 1],
        [1, 1, 1],
      ]).toArray(),
    ).toEqual([
      [1, 2, 1],
      [2, 4, 2],
      [1, 2, 1],
    ]);
    // Two tied maxima in one window of a 2x4 image, a unique one in the other; gz weights 3 and 5.
    const w = T.dmatrix('w');
    const cost = T.sum(T.mul(T.signal.maxPool2d(x), w));
    const gx = theano.function([x, w], T.grad(cost, x))(
      [
        [4, 1, 0, 2],
        [4, 3, 9, 9],
      ],
      [[3, 5]],
    );
    expect(gx.toArray()).toEqual([
      [3, 0, 0, 0],
      [3, 0, 5, 5],
    ]);
  });

  it('l2: the gradient is 0 where a window is all zeros', () => {
    const x = T.dmatrix('x');
    const g = theano.function(
      [x],
      T.grad(T.sum(T.signal.maxPool2d(x, { mode: 'l2' })), x),
    )([
      [0, 0, 3, 4],
      [0, 0, 0, 0],
    ]);
    expectClose(g, [
      [0, 0, 0.6, 0.8],
      [0, 0, 0, 0],
    ]);
  });

  it('the gradient op has shape inference and prints; int inputs carry no gradient', () => {
    const x = T.tensor('float64', [2, 3, 5, 5], 'x');
    const g = T.grad(T.sum(T.signal.maxPool2d(x, { ignoreBorder: false })), x);
    expect(g.type.shape).toEqual([2, 3, 5, 5]);
    expect(g.owner!.op.toString()).toMatch(/^maxPool2dGrad\{ws=\(2,2\),.*mode=max\}$/);
  });
});

describe('T.signal.maxPool2d: second derivatives', () => {
  // d/dx sum(T.grad(cost, x) * v), against central differences of the compiled first derivative.
  for (const mode of MODES) {
    it(`${mode}: Hessian-vector product on a tiny case`, () => {
      const o: Opts = { ws: [2, 2], stride: [1, 1], ignoreBorder: false, mode };
      const x = T.dtensor3('x');
      const c = T.dtensor3('c');
      const v = T.dtensor3('v');
      const z = pool(x, o);
      const cost = T.sum(T.mul(T.mul(z, T.mul(z, z)), c)); // sum(c * z^3): gz depends on x
      const g1 = T.grad(cost, x);
      const hv = T.grad(T.sum(T.mul(g1, v)), x);
      const rand = R.rng(21);
      const a = R.map(R.randDistinct([1, 3, 3], rand, 0.3), (t) => t + 0.1);
      const cv = R.randArr([1, 2, 2], rand, 0.5, 1.5); // shaped like z
      const vv = R.randArr([1, 3, 3], rand, -1, 1);
      const fGrad = theano.function([x, c], g1);
      const got = theano.function([x, c, v], hv)(toND(a), toND(cv), toND(vv));
      const [num] = numericGradProjected(([xa]) => fromND(fGrad(toND(xa!), toND(cv))), vv, [a], 1e-5);
      expectClose(got, num!, { atol: 1e-6, rtol: 1e-5, what: mode });
    });
  }

  it('max: third derivative, through the gradient of the grad-of-grad op', () => {
    // h = sum(g1^2) with g1 = T.grad(cost, x): dh/dx feeds g1 (which depends on x) into maxPool2dGradGrad,
    // so differentiating dh/dx once more needs that op's own gradient.
    const x = T.dmatrix('x');
    const u = T.dmatrix('u');
    const z = T.signal.maxPool2d(x, { ws: [2, 2], stride: [1, 1] });
    const cost = T.sum(T.mul(z, T.mul(z, T.mul(z, z))));
    const g1 = T.grad(cost, x);
    const dh = T.grad(T.sum(T.mul(g1, g1)), x);
    const t3 = T.grad(T.sum(T.mul(dh, u)), x);
    const rand = R.rng(5);
    const a = R.map(R.randDistinct([3, 3], rand, 0.3), (t) => t + 0.1);
    const uu = R.randArr([3, 3], rand, -1, 1);
    const fDh = theano.function([x], dh);
    const got = theano.function([x, u], t3)(toND(a), toND(uu));
    const [num] = numericGradProjected(([xa]) => fromND(fDh(toND(xa!))), uu, [a], 1e-5);
    expectClose(got, num!, { atol: 1e-6, rtol: 1e-5 });
  });
});

describe('T.signal.maxPool2d: errors', () => {
  it('a window larger than the input with ignoreBorder true, at run time and when the shape is known', () => {
    const x = T.dtensor4('x');
    const f = theano.function([x], T.signal.maxPool2d(x, { ws: [3, 3] }));
    expect(() => f(theano.ndarray(new Float64Array(2 * 2 * 5), [1, 2, 2, 5]))).toThrowError(
      /^maxPool2d: the window \(3, 3\) is larger than the image \(2, 5\) with ignoreBorder true.*'x' \(float64 tensor4, shape \(1, 2, 2, 5\)\)/,
    );
    const known = T.tensor('float64', [2, 4], 'k');
    expect(() => T.signal.maxPool2d(known, { ws: [3, 2] })).toThrowError(theano.ShapeError);
    expect(() => T.signal.maxPool2d(known, { ws: [3, 2] })).toThrowError(/'k'/);
    // Fine without ignoreBorder: one partial window.
    expect(T.signal.maxPool2d(known, { ws: [3, 2], ignoreBorder: false }).type.shape).toEqual([1, 2]);
  });

  it('pad must be smaller than the window, and needs ignoreBorder true', () => {
    const x = T.dmatrix('x');
    expect(() => T.signal.maxPool2d(x, { ws: [2, 2], pad: [2, 0] })).toThrowError(
      /^maxPool2d: padding must be smaller than the window; got pad \(2, 0\) for ws \(2, 2\): input 'x'/,
    );
    expect(() => T.signal.maxPool2d(x, { ws: [3, 2], pad: [1, 2] })).toThrowError(theano.ShapeError);
    expect(() => T.signal.maxPool2d(x, { ws: [3, 3], pad: [1, 1], ignoreBorder: false })).toThrowError(/ignoreBorder true/);
  });

  it('an unknown mode lists the valid ones (and maps Theano spellings)', () => {
    const x = T.dmatrix('x');
    expect(() => T.signal.maxPool2d(x, { mode: 'avg' })).toThrowError(
      "maxPool2d: unknown mode 'avg'; valid modes are 'max', 'sum', 'averageIncPad', 'averageExcPad', 'l2': input 'x'",
    );
    expect(() => T.signal.maxPool2d(x, { mode: 'average_inc_pad' })).toThrowError(/Theano's 'average_inc_pad' is 'averageIncPad' here/);
  });

  it('rank < 2, bad window/stride values, non-float averages', () => {
    expect(() => T.signal.maxPool2d(T.dvector('v'))).toThrowError(/^maxPool2d: the input must have rank 2 or more.*'v' \(float64 vector\)/);
    expect(() => T.signal.maxPool2d(T.dvector('v'))).toThrowError(theano.TypeMismatchError);
    const x = T.dmatrix('x');
    expect(() => T.signal.maxPool2d(x, { ws: [0, 2] })).toThrowError(/ws must be two positive integers/);
    expect(() => T.signal.maxPool2d(x, { ws: [2, 2, 2] })).toThrowError(/ws must be two positive integers/);
    expect(() => T.signal.maxPool2d(x, { stride: [1.5, 1] })).toThrowError(/stride must be two positive integers/);
    expect(() => T.signal.maxPool2d(T.imatrix('i'), { mode: 'averageExcPad' })).toThrowError(/needs a float input/);
  });

  it('an empty image is an error; an empty batch is fine', () => {
    const x = T.dtensor3('x');
    const f = theano.function([x], T.signal.maxPool2d(x, { ignoreBorder: false }));
    expect(() => f(theano.ndarray(new Float64Array(0), [2, 0, 4]))).toThrowError(/image is empty/);
    expect(f(theano.ndarray(new Float64Array(0), [0, 4, 4])).shape).toEqual([0, 2, 2]);
  });
});
