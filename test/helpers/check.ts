/**
 * Glue between the independent references (reference.ts, numeric-grad.ts) and tsano's public API:
 * conversions, an allclose assertion that names the worst element, and the gradient check
 * `T.grad(T.sum(out * R), wrt)` against central differences of the float64 reference.
 */
import { afterAll, beforeAll, expect } from 'vitest';
import * as theano from '../../src/index.js';
import { T } from '../../src/index.js';
import { numericGradProjected } from './numeric-grad.js';
import { clone, fromNested, randArr, rng, toNested, unravel, type Arr, type NestedNum } from './reference.js';

export type Variable = theano.Variable;
export type NDArray = theano.NDArray;
export type DType = theano.DType;

/** An Arr as a tsano NDArray (a copy), float64 unless told. */
export function toND(a: Arr, dtype: DType = 'float64'): NDArray {
  return theano.ndarray(a.data.slice(), a.shape.slice(), dtype);
}

export function fromND(a: NDArray): Arr {
  return { shape: a.shape.slice(), data: Float64Array.from(a.data) };
}

/** A float64 symbolic input of the given rank. */
export function dtensor(rank: number, name?: string): Variable {
  const makers = [T.dscalar, T.dvector, T.dmatrix, T.dtensor3, T.dtensor4];
  const make = makers[rank];
  if (!make) throw new Error(`dtensor: rank ${rank} not supported`);
  return make(name);
}

export interface CloseOptions {
  atol?: number;
  rtol?: number;
  what?: string;
}

/**
 * Shape equal and every element within atol + rtol * |expected| (NumPy's allclose); NaN matches NaN and
 * infinities must match exactly. The failure message shows the worst element.
 */
export function expectClose(actual: NDArray | Arr, expected: Arr | NestedNum, opts: CloseOptions = {}): void {
  const exp = typeof expected === 'number' || Array.isArray(expected) ? fromNested(expected as NestedNum) : expected;
  const act = actual;
  const what = opts.what ? `${opts.what}: ` : '';
  expect(act.shape, `${what}shape`).toEqual(exp.shape);
  const atol = opts.atol ?? 1e-12;
  const rtol = opts.rtol ?? 1e-12;
  let worst = -1;
  let worstExcess = 0;
  for (let i = 0; i < exp.data.length; i++) {
    const a = act.data[i]!;
    const e = exp.data[i]!;
    let bad: number;
    if (Number.isNaN(e) || Number.isNaN(a)) bad = Number.isNaN(e) && Number.isNaN(a) ? 0 : Infinity;
    else if (!Number.isFinite(e) || !Number.isFinite(a)) bad = a === e ? 0 : Infinity;
    else bad = Math.abs(a - e) - (atol + rtol * Math.abs(e));
    if (bad > 0 && bad > worstExcess) {
      worstExcess = bad;
      worst = i;
    }
  }
  if (worst >= 0) {
    const idx = unravel(worst, exp.shape);
    const msg = `${what}element [${idx.join(', ')}] is ${act.data[worst]}, expected ${exp.data[worst]} (atol ${atol}, rtol ${rtol})`;
    expect.fail(msg);
  }
}

/** Exact equality of values (ints, bools, hand-worked fixtures) with shape. */
export function expectValues(actual: NDArray, expected: NestedNum): void {
  expect(actual.toArray()).toEqual(expected);
}

export interface GradCase {
  /** Float64 variables to differentiate with respect to. */
  wrt: Variable[];
  /** Their values. */
  values: Arr[];
  /** The output expression (any shape), built from wrt (and fixed inputs). */
  out: Variable;
  /** The same output computed by the float64 reference from the wrt values. */
  ref: (...vals: Arr[]) => Arr;
  /** Other inputs (labels, indices) with their call-time values; the reference closes over them itself. */
  fixed?: [Variable, unknown][];
  seed?: number;
  eps?: number;
  atol?: number;
  rtol?: number;
  /** Tolerance of the forward check (float32 outputs need more). */
  forwardTol?: number;
}

/**
 * Compiles [out, ...T.grad(T.sum(out * R), wrt)] with R a fixed random float64 array (so the projection
 * is not trivial), checks the forward value against the reference and every gradient against central
 * differences of `sum(ref(values) * R)` (numericGradProjected).
 */
export function checkGrad(c: GradCase): void {
  const refOut = c.ref(...c.values.map(clone));
  const R = randArr(refOut.shape, rng(c.seed ?? 12345), -1.5, 1.5);
  const Rv = dtensor(refOut.shape.length, 'R');
  const cost = T.sum(T.mul(c.out, Rv));
  const grads = T.grad(cost, c.wrt);
  const fixed = c.fixed ?? [];
  const f = theano.function([...c.wrt, ...fixed.map(([v]) => v), Rv], [c.out, ...grads], { onUnusedInput: 'ignore' });
  const results = f(...c.values.map((v) => toND(v)), ...(fixed.map(([, val]) => val) as never[]), toND(R));
  const [gotOut, ...gotGrads] = results;
  const ft = c.forwardTol ?? 1e-10;
  expectClose(gotOut!, refOut, { atol: ft, rtol: ft, what: 'forward' });
  const num = numericGradProjected((vs) => c.ref(...vs), R, c.values, c.eps ?? 1e-6);
  c.wrt.forEach((w, k) => {
    expect(gotGrads[k]!.dtype, `dtype of d/d${w.name}`).toBe(w.dtype);
    expectClose(gotGrads[k]!, num[k]!, { atol: c.atol ?? 1e-6, rtol: c.rtol ?? 1e-6, what: `gradient wrt ${w.name ?? `input ${k}`}` });
  });
}

/** Runs a one-output function of float64 Arr inputs. */
export function run1(inputs: Variable[], out: Variable, ...values: unknown[]): NDArray {
  const f = theano.function(inputs, out);
  return f(...(values as never[]));
}

export { toNested };

/**
 * Runs the enclosing describe block on the JS kernels only (`config.wasm = 'off'`): where a test asserts results bit
 * for bit equal to the graph as written, which the JS kernels keep (float64 sums) and the wasm GEMM does not.
 */
export function useJsKernels(): void {
  let saved: typeof theano.config.wasm;
  beforeAll(() => {
    saved = theano.config.wasm;
    theano.config.wasm = 'off';
  });
  afterAll(() => {
    theano.config.wasm = saved;
  });
}
