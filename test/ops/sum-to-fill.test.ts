/**
 * The two internal ops that gradients are built from (not public API, so imported from src/ops):
 * sumTo(g, ref) reduces a broadcast gradient to ref's run-time shape; fill(ref, v) broadcasts v to ref's shape.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as theano from '../../src/index.js';
import { T } from '../../src/index.js';
import { NDArray } from '../../src/ir/ndarray.js';
import type { DType, TypedArray } from '../../src/ir/dtype.js';
import { SumTo, sumTo } from '../../src/ops/sum-to.js';
import { fill } from '../../src/ops/elemwise/fill.js';
import { checkGrad, expectClose, toND } from '../helpers/check.js';
import * as R from '../helpers/reference.js';

describe('sumTo', () => {
  it('sums a (3, 4) array to (3, 1), (1, 4), (1, 1) and (3, 4), reading only the shape of ref', () => {
    const g = T.dmatrix('g');
    const ref = T.dmatrix('ref');
    const f = theano.function([g, ref], sumTo(g, ref));
    const gv = R.randArr([3, 4], R.rng(1));
    expectClose(f(toND(gv), toND(R.arr([3, 1], () => NaN))), R.reshape(R.sum(gv, 1), [3, 1]), { rtol: 1e-15 });
    expectClose(f(toND(gv), toND(R.arr([1, 4]))), R.reshape(R.sum(gv, 0), [1, 4]), { rtol: 1e-15 });
    expectClose(f(toND(gv), toND(R.arr([1, 1]))), R.reshape(R.sum(gv), [1, 1]), { rtol: 1e-15 });
    expectClose(f(toND(gv), toND(R.arr([3, 4]))), gv);
  });

  it('on a 2x3x4 tensor to (2, 1, 4) and (1, 3, 1)', () => {
    const g = T.dtensor3('g');
    const ref = T.dtensor3('ref');
    const f = theano.function([g, ref], sumTo(g, ref));
    const gv = R.randArr([2, 3, 4], R.rng(2));
    expectClose(f(toND(gv), toND(R.arr([2, 1, 4]))), R.reshape(R.sum(gv, 1), [2, 1, 4]), { rtol: 1e-14 });
    expectClose(f(toND(gv), toND(R.arr([1, 3, 1]))), R.reshape(R.sum(gv, [0, 2]), [1, 3, 1]), { rtol: 1e-14 });
  });

  it('a ref shape that g does not broadcast from is an error; ranks must agree', () => {
    const g = T.dmatrix('g');
    const ref = T.dmatrix('ref');
    expect(() => theano.function([g, ref], sumTo(g, ref))(toND(R.arr([3, 4])), toND(R.arr([2, 4])))).toThrowError(/'ref'/);
    expect(() => sumTo(g, T.dvector('v'))).toThrowError(theano.ShapeError);
  });

  it('gradient broadcasts back (through fill)', () => {
    const g = T.dmatrix('g');
    const ref = T.dmatrix('ref');
    checkGrad({
      wrt: [g],
      values: [R.randArr([3, 4], R.rng(3))],
      out: sumTo(g, ref),
      ref: (a) => R.reshape(R.sum(a, 0), [1, 4]),
      fixed: [[ref, toND(R.arr([1, 4]))]],
    });
  });
});

/**
 * sumTo's loops (runs of kept and summed axes, several rows summed at once) against `out[j] += g[i]` over i in
 * order, written here, which they must match to the bit: float values spread over many magnitudes (so another
 * order of additions would round differently), with -0, NaN and ±Infinity; int32 and uint8 sums that wrap.
 */
describe('sumTo against a naive loop, to the bit', () => {
  const ARRAYS = { float32: Float32Array, float64: Float64Array, int32: Int32Array, uint8: Uint8Array } as const;
  type Kind = keyof typeof ARRAYS;

  function naive(g: TypedArray, gShape: readonly number[], outShape: readonly number[]): TypedArray {
    if (R.sizeOf(outShape) === g.length) return g.slice(); // nothing summed: a copy (-0 stays -0)
    const out = new (g.constructor as Float64ArrayConstructor)(R.sizeOf(outShape));
    for (let i = 0; i < g.length; i++) {
      let j = 0;
      R.unravel(i, gShape).forEach((d, a) => (j = j * outShape[a]! + (outShape[a] === 1 ? 0 : d)));
      out[j] += g[i]!;
    }
    return out;
  }

  function values(kind: Kind, n: number, rand: () => number, specials: boolean): TypedArray {
    const a = new ARRAYS[kind](n);
    for (let i = 0; i < n; i++) {
      const u = rand();
      if (kind === 'int32') a[i] = Math.floor((rand() - 0.5) * 2 ** 32);
      else if (kind === 'uint8') a[i] = Math.floor(rand() * 256);
      else if (specials && u < 0.01) a[i] = [NaN, Infinity, -Infinity][Math.floor(rand() * 3)]!;
      else if (u < 0.1) a[i] = -0;
      else a[i] = (rand() - 0.5) * 10 ** Math.floor(rand() * 12 - 4);
    }
    return a;
  }

  function check(kind: Kind, gShape: number[], outShape: number[], seed: number, specials = false): void {
    const g = new NDArray(kind as DType, gShape, values(kind, R.sizeOf(gShape), R.rng(seed), specials));
    const out = new NDArray(kind as DType, outShape, new ARRAYS[kind](R.sizeOf(outShape)).fill(77)); // garbage
    new SumTo().perform([g, NDArray.zeros(kind as DType, outShape)], [out]);
    const want = naive(g.data, gShape, outShape);
    for (let j = 0; j < want.length; j++) {
      if (!Object.is(out.data[j], want[j])) expect.fail(`${kind} (${gShape}) → (${outShape}): element ${j} is ${out.data[j]}, expected ${want[j]}`);
    }
  }

  it('summed axes leading, in the middle, trailing, alternating, all and none; row counts around multiples of 4', () => {
    const cases: [number[], number[]][] = [
      [
        [6, 5, 7],
        [1, 5, 7],
      ], // leading
      [
        [5, 6, 7],
        [5, 1, 7],
      ], // middle
      [
        [5, 7, 6],
        [5, 7, 1],
      ], // trailing, 35 rows
      [
        [10, 20, 12, 12],
        [1, 20, 1, 1],
      ], // a conv bias gradient
      [
        [3, 9, 2, 4, 5],
        [1, 9, 1, 4, 1],
      ], // alternating
      [
        [2, 3, 1, 4, 1],
        [1, 3, 1, 1, 1],
      ], // size-1 axes between
      [
        [4, 1, 6],
        [1, 1, 1],
      ], // all
      [[50], [1]],
      [
        [3, 4],
        [3, 4],
      ], // none: a copy
      [
        [4, 4, 3],
        [4, 4, 1],
      ], // 16 rows
      [
        [0, 3],
        [1, 3],
      ], // empty: zeros
      [
        [3, 0],
        [3, 1],
      ],
    ];
    for (const kind of Object.keys(ARRAYS) as Kind[]) {
      cases.forEach(([gs, os], k) => check(kind, gs, os, k + 1, true));
    }
  });

  it('random shapes and summed axes (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 1, max: 6 }), fc.boolean()), { minLength: 1, maxLength: 5 }),
        fc.constantFrom<Kind>('float32', 'float64', 'int32', 'uint8'),
        fc.integer({ min: 0, max: 1e9 }),
        (axes, kind, seed) =>
          check(
            kind,
            axes.map(([d]) => d),
            axes.map(([d, summed]) => (summed ? 1 : d)),
            seed,
            seed % 3 === 0,
          ),
      ),
      { numRuns: 500, seed: 20250611 },
    );
  });
});

describe('fill', () => {
  it('broadcasts v to the shape of ref without reading ref', () => {
    const ref = T.dmatrix('ref');
    const v = T.dvector('v');
    const out = theano.function([ref, v], fill(ref, v))(toND(R.arr([3, 4], () => NaN)), [1, 2, 3, 4]);
    expect(out.toArray()).toEqual([
      [1, 2, 3, 4],
      [1, 2, 3, 4],
      [1, 2, 3, 4],
    ]);
  });

  it('gradient goes to v (summed over the broadcast axes), none to ref', () => {
    const ref = T.dmatrix('ref');
    const v = T.dvector('v');
    checkGrad({
      wrt: [v],
      values: [R.randArr([4], R.rng(4))],
      out: fill(ref, v),
      ref: (a) => R.zipWith([R.arr([3, 4]), a], (_r, x) => x),
      fixed: [[ref, toND(R.arr([3, 4]))]],
    });
  });
});
