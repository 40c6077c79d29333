/**
 * conv2d gradients: T.grad with respect to input and filters against central differences of the float64 reference
 * for every border mode, stride and flip; the gradient ops' shapes when strides drop pixels; second derivatives
 * (gradients of functions of the gradient, through conv2dGradInputs.grad and conv2dGradFilters.grad); their errors.
 */
import { describe, expect, it } from 'vitest';
import * as theano from '../../src/index.js';
import { T } from '../../src/index.js';
import { checkGrad, expectClose, toND } from '../helpers/check.js';
import { numericGrad } from '../helpers/numeric-grad.js';
import * as R from '../helpers/reference.js';
import { refConv2d, refConvGradFilters, refConvGradInput, type RefBorder, type RefConvOpts } from '../helpers/conv-reference.js';
import { conv2dGradInputs } from '../../src/ops/conv2d-grad-input.js';
import { conv2dGradFilters } from '../../src/ops/conv2d-grad-filters.js';
import { normalizeConvOptions } from '../../src/ops/conv-geometry.js';
import { constant } from '../../src/ir/constant.js';

type Border = 'valid' | 'full' | 'half' | number | [number, number];
const borders: Border[] = ['valid', 'full', 'half', [1, 2]];
const strides: [number, number][] = [
  [1, 1],
  [2, 2],
  [2, 1],
];

describe('conv2d: gradients against finite differences (float64)', () => {
  for (const border of borders)
    for (const stride of strides)
      for (const flip of [true, false]) {
        it(`d/dinput and d/dfilters, borderMode ${JSON.stringify(border)}, subsample ${stride}, filterFlip ${flip}`, () => {
          const rand = R.rng(7 + stride[0] * 5 + stride[1] + (flip ? 100 : 0));
          // 8 rows with stride 2 and 'valid' drops the last row: its gradient must be zero, and the shape kept.
          const xv = R.randArr([2, 2, 8, 9], rand);
          const wv = R.randArr([3, 2, 3, 2], rand);
          const x = T.dtensor4('x');
          const w = T.dtensor4('w');
          const opts = { border: border as RefBorder, stride, flip };
          checkGrad({
            wrt: [x, w],
            values: [xv, wv],
            out: T.nnet.conv2d(x, w, { borderMode: border, subsample: stride, filterFlip: flip }),
            ref: (a, b) => refConv2d(a, b, opts),
            atol: 1e-7,
            rtol: 1e-7,
          });
        });
      }

  it('float32 variables get float32 gradients close to the float64 ones', () => {
    const rand = R.rng(5);
    const xv = R.map(R.randArr([2, 3, 6, 6], rand), Math.fround);
    const wv = R.map(R.randArr([4, 3, 3, 3], rand), Math.fround);
    const x = T.ftensor4('x');
    const w = T.ftensor4('w');
    const y = T.nnet.conv2d(x, w, { borderMode: 'half' });
    const [gx, gw] = T.grad(T.sum(y), [x, w]);
    expect(gx!.dtype).toBe('float32');
    expect(gw!.dtype).toBe('float32');
    const [a, b] = theano.function([x, w], [gx!, gw!])(toND(xv, 'float32'), toND(wv, 'float32'));
    const ones = R.arr([2, 4, 6, 6], () => 1);
    expectClose(a!, refConvGradInput(wv, ones, xv.shape, { border: 'half' }), { atol: 1e-5, rtol: 1e-6 });
    expectClose(b!, refConvGradFilters(xv, ones, wv.shape, { border: 'half' }), { atol: 1e-5, rtol: 1e-6 });
  });

  it("network3's layers: gradients of the second conv layer match the reference (tiles with remainders)", () => {
    const rand = R.rng(9);
    const xv = R.randArr([3, 20, 12, 12], rand);
    const wv = R.randArr([40, 20, 5, 5], rand);
    const gz = R.randArr([3, 40, 8, 8], rand);
    const x = T.dtensor4('x');
    const w = T.dtensor4('w');
    const g = T.dtensor4('g');
    const y = T.nnet.conv2d(x, w);
    const [gx, gw] = T.grad(T.sum(T.mul(y, g)), [x, w]);
    const [a, b] = theano.function([x, w, g], [gx!, gw!])(toND(xv), toND(wv), toND(gz));
    expectClose(a!, refConvGradInput(wv, gz, xv.shape), { atol: 1e-11, rtol: 1e-11 });
    expectClose(b!, refConvGradFilters(xv, gz, wv.shape), { atol: 1e-11, rtol: 1e-11 });
  });
});

describe('conv2d: the gradient ops', () => {
  it('gradient types keep the static shapes of input and filters, also when strides drop pixels', () => {
    const x = T.dtensor4('x');
    const w = T.dtensor4('w');
    const y = T.nnet.conv2d(x, w, { subsample: [2, 2], inputShape: [2, 3, 8, 9], filterShape: [4, 3, 3, 3] });
    expect(y.type.shape).toEqual([2, 4, 3, 4]);
    const [gx, gw] = T.grad(T.sum(y), [x, w]);
    expect(gx!.type.shape).toEqual([2, 3, 8, 9]);
    expect(gw!.type.shape).toEqual([4, 3, 3, 3]);
    expect(gx!.owner!.op.name).toBe('conv2dGradInputs');
    expect(gw!.owner!.op.name).toBe('conv2dGradFilters');
    // Two input heights (7 and 8) give the same output height 3 with stride 2: the run-time shape decides.
    const f = theano.function([x, w], [gx!, gw!]);
    const x2 = T.dtensor4('x2');
    const g2 = T.grad(T.sum(T.nnet.conv2d(x2, w, { subsample: [2, 2] })), x2);
    const f2 = theano.function([x2, w], g2);
    const wv = R.randArr([4, 3, 3, 3], R.rng(1));
    for (const rows of [7, 8]) {
      const xv = R.randArr([2, 3, rows, 9], R.rng(rows));
      const got = f2(toND(xv), toND(wv));
      expect(got.shape).toEqual([2, 3, rows, 9]);
      expectClose(
        got,
        refConvGradInput(
          wv,
          R.arr([2, 4, 3, 4], () => 1),
          xv.shape,
          { stride: [2, 2] },
        ),
        { atol: 1e-12, rtol: 1e-12 },
      );
      if (rows === 8) for (let k = 0; k < 9; k++) expect(got.get(1, 2, 7, k)).toBe(0);
    }
    expect(f(toND(R.arr([2, 3, 8, 9])), toND(wv))[0]!.shape).toEqual([2, 3, 8, 9]);
  });

  it('without strides the gradient ops infer the spatial sizes from gz, as Theano does', () => {
    const p = normalizeConvOptions({ borderMode: 'full' });
    const r = T.iscalar('r');
    const c = T.iscalar('c');
    expect(conv2dGradInputs(T.dtensor4('w'), T.dtensor4('gz'), [r, c], p).type.shape).toEqual([null, null, null, null]);
    const wk = constant(theano.ndarray(new Float64Array(4 * 3 * 5 * 5), [4, 3, 5, 5]));
    const gzk = constant(theano.ndarray(new Float64Array(2 * 4 * 12 * 14), [2, 4, 12, 14]));
    const xk = constant(theano.ndarray(new Float64Array(2 * 3 * 8 * 10), [2, 3, 8, 10]));
    expect(conv2dGradInputs(wk, gzk, [r, c], p).type.shape).toEqual([2, 3, 8, 10]);
    expect(conv2dGradFilters(xk, gzk, [r, c], p).type.shape).toEqual([4, 3, 5, 5]);
    // With strides only given sizes count; a given size that cannot produce gz is an error when built.
    const s2 = normalizeConvOptions({ subsample: [2, 2] });
    expect(conv2dGradInputs(wk, constant(theano.ndarray(new Float64Array(2 * 4 * 3 * 4), [2, 4, 3, 4])), [r, c], s2).type.shape).toEqual([2, 3, null, null]);
    expect(() => conv2dGradInputs(wk, gzk, [constant(9, 'int32'), c], p)).toThrowError(
      /conv2dGradInputs: an input of 9 rows does not give the 12 of the output gradient/,
    );
  });

  it('run-time sizes that do not fit the output gradient are errors naming the operands', () => {
    const p = normalizeConvOptions({});
    const w = T.dtensor4('w');
    const gz = T.dtensor4('gz');
    const r = T.iscalar('rows');
    const c = T.iscalar('cols');
    const f = theano.function([w, gz, r, c], conv2dGradInputs(w, gz, [r, c], p));
    expect(f(toND(R.arr([2, 1, 3, 3])), toND(R.arr([1, 2, 3, 3])), 5, 5).shape).toEqual([1, 1, 5, 5]);
    expect(() => f(toND(R.arr([2, 1, 3, 3])), toND(R.arr([1, 2, 3, 3])), 6, 5)).toThrowError(
      /conv2dGradInputs: an input of size \(6, 5\) gives outputs of size \(4, 3\), not the output gradient's: 'w' .*'gz' \(float64 tensor4, shape \(1, 2, 3, 3\)\)/,
    );
    expect(() => f(toND(R.arr([2, 1, 3, 3])), toND(R.arr([1, 3, 3, 3])), 5, 5)).toThrowError(
      /the filters have 2 output channels but the output gradient has 3/,
    );
    const x = T.dtensor4('x');
    const g = theano.function([x, gz, r, c], conv2dGradFilters(x, gz, [r, c], p));
    expect(g(toND(R.arr([1, 1, 5, 5])), toND(R.arr([1, 2, 3, 3])), 3, 3).shape).toEqual([2, 1, 3, 3]);
    expect(() => g(toND(R.arr([2, 1, 5, 5])), toND(R.arr([1, 2, 3, 3])), 3, 3)).toThrowError(/the input has a batch of 2 but the output gradient one of 1/);
    expect(() => g(toND(R.arr([1, 1, 5, 5])), toND(R.arr([1, 2, 3, 3])), 2, 3)).toThrowError(/filters of size \(2, 3\) give outputs of size \(4, 3\)/);
  });
});

describe('conv2d: second derivatives', () => {
  // h(x, w) = Σ V1 · d c/dx + Σ V2 · d c/dw with c = ½ Σ R · conv(x, w)²: differentiating h goes through the
  // gradients' own gradients (conv2dGradInputs.grad, conv2dGradFilters.grad) and conv2d's.
  const cases: [string, RefConvOpts][] = [
    ["'half', subsample (2, 2), flipped", { border: 'half', stride: [2, 2], flip: true }],
    ['(1, 2) padding, subsample (2, 1), correlation', { border: [1, 2], stride: [2, 1], flip: false }],
    ["'full', no stride, flipped", { border: 'full', stride: [1, 1], flip: true }],
  ];
  for (const [name, o] of cases) {
    it(name, () => {
      const rand = R.rng(77);
      const xv = R.randArr([2, 2, 5, 4], rand);
      const wv = R.randArr([2, 2, 3, 2], rand);
      const outShape = refConv2d(xv, wv, o).shape;
      const Rv = R.randArr(outShape, rand);
      const V1 = R.randArr(xv.shape, rand);
      const V2 = R.randArr(wv.shape, rand);

      const href = ([a, b]: R.Arr[]): number => {
        const y = refConv2d(a!, b!, o);
        const gz = R.zipWith([y, Rv], (u, r) => u * r);
        return R.project(refConvGradInput(b!, gz, a!.shape, o), V1) + R.project(refConvGradFilters(a!, gz, b!.shape, o), V2);
      };

      const x = T.dtensor4('x');
      const w = T.dtensor4('w');
      const r = T.dtensor4('R');
      const v1 = T.dtensor4('V1');
      const v2 = T.dtensor4('V2');
      const y = T.nnet.conv2d(x, w, { borderMode: o.border as Border, subsample: o.stride, filterFlip: o.flip });
      const c = T.mul(0.5, T.sum(T.mul(r, T.mul(y, y))));
      const [gx, gw] = T.grad(c, [x, w]);
      const h = T.add(T.sum(T.mul(v1, gx!)), T.sum(T.mul(v2, gw!)));
      const [hx, hw] = T.grad(h, [x, w]);
      const f = theano.function([x, w, r, v1, v2], [h, hx!, hw!]);
      const [hv, hxv, hwv] = f(toND(xv), toND(wv), toND(Rv), toND(V1), toND(V2));
      expect(hv!.item()).toBeCloseTo(href([xv, wv]), 10);
      const [nx, nw] = numericGrad(href, [xv, wv], 1e-5);
      expectClose(hxv!, nx!, { atol: 1e-6, rtol: 1e-6, what: 'd h / dx' });
      expectClose(hwv!, nw!, { atol: 1e-6, rtol: 1e-6, what: 'd h / dw' });
    });
  }
});

describe('conv2d: the gradient references themselves', () => {
  it('are the finite-difference gradients of the forward reference (so they can stand in for it)', () => {
    const o: RefConvOpts = { border: [2, 1], stride: [2, 3], flip: false };
    const rand = R.rng(3);
    const xv = R.randArr([1, 2, 6, 7], rand);
    const wv = R.randArr([3, 2, 2, 3], rand);
    const gz = R.randArr(refConv2d(xv, wv, o).shape, rand);
    const [nx, nw] = numericGrad(([a, b]) => R.project(refConv2d(a!, b!, o), gz), [xv, wv]);
    expectClose(refConvGradInput(wv, gz, xv.shape, o), nx!, { atol: 1e-8, rtol: 1e-8 });
    expectClose(refConvGradFilters(xv, gz, wv.shape, o), nw!, { atol: 1e-8, rtol: 1e-8 });
  });
});

describe('conv2d on a batch too big for one product', () => {
  it('images go in groups (patch matrices of at most ~4M values): forward and both gradients still match float64', () => {
    // 1×480×480 images with 3×3 filters: 228,484 patches of 9 values per image, so one image per product.
    const xs = [2, 1, 480, 480];
    const ws = [2, 1, 3, 3];
    const rand = R.rng(3);
    const xv = R.randArr(xs, rand);
    const wv = R.randArr(ws, rand);
    const gzShape = [2, 2, 478, 478];
    const gzv = R.randArr(gzShape, rand);
    const x = T.dtensor4('x');
    const w = T.dtensor4('w');
    const gz = T.dtensor4('gz');
    const y = T.nnet.conv2d(x, w);
    const f = theano.function([x, w, gz], [y, ...T.grad(T.sum(y.mul(gz)), [x, w])]);
    const [out, gx, gw] = f(toND(xv), toND(wv), toND(gzv));
    expectClose(out!, refConv2d(xv, wv), { atol: 1e-9, rtol: 1e-9 });
    expectClose(gx!, refConvGradInput(wv, gzv, xs), { atol: 1e-9, rtol: 1e-9 });
    expectClose(gw!, refConvGradFilters(xv, gzv, ws), { atol: 1e-6, rtol: 1e-9 });
  });
});
