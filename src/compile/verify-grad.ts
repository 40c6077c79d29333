import { isFloat, type DType, type TypedArray } from '../ir/dtype.js';
import { NDArray, toNDArray, type Nested } from '../ir/ndarray.js';
import { TensorType, rankName } from '../ir/type.js';
import { Variable } from '../ir/variable.js';
import { GradientError, TypeMismatchError } from '../util/errors.js';
import { RandomState } from '../util/rng.js';
import { formatShape } from '../util/shape.js';
import { mul } from '../ops/elemwise/mul.js';
import { sum } from '../ops/sum.js';
import { grad } from '../passes/grad.js';
import type { Mode } from '../passes/pipeline.js';
import { compileFunction, type TsanoFunction } from './function.js';

/** A point at which verifyGrad checks the gradient: an NDArray, or nested numbers / a typed array (float64 by default, as NumPy). */
export type GradPoint = NDArray | Nested | TypedArray;

export interface VerifyGradOptions {
  /** How many random projections to try (Theano's n_tests). Default 2. */
  nTests?: number;
  /** Finite-difference step; default by dtype: float64 1e-7, float32 3e-4 (the largest over the points). */
  eps?: number;
  /** Default by dtype: float64 1e-4, float32 1e-2 (the largest over the points). */
  absTol?: number;
  /** Default as absTol. */
  relTol?: number;
  /** Seed of the projections (default 42); ignored when `rng` is given. */
  seed?: number;
  /** The generator of the projections (Theano's `rng`); it advances. */
  rng?: RandomState;
  /** Compilation mode of the checked functions; DEBUG_MODE is used for the gradient only (as Theano's mode_not_slow). */
  mode?: Mode;
  /** Central differences (f(x+ε) − f(x−ε)) / 2ε instead of Theano's one-sided (f(x+ε) − f(x)) / ε. Twice the calls. */
  central?: boolean;
}

/** Where verifyGrad saw the largest error: input number, flat position and multi-index, both values and errors. */
export interface GradCheckWorst {
  input: number;
  position: number;
  index: number[];
  shape: number[];
  analytic: number;
  numeric: number;
  absErr: number;
  relErr: number;
}

export interface VerifyGradReport {
  nTests: number;
  eps: number;
  absTol: number;
  relTol: number;
  central: boolean;
  /** The element with the largest min(absErr / absTol, relErr / relTol) over every test. */
  worst: GradCheckWorst | null;
}

/** The GradientError verifyGrad throws; `details` holds what the message shows. */
export class GradientCheckError extends GradientError {
  constructor(
    message: string,
    readonly details: GradCheckWorst & { test: number; absTol: number; relTol: number; eps: number },
  ) {
    super(message);
    this.name = 'GradientError';
  }
}

const TYPE_EPS: Partial<Record<DType, number>> = { float64: 1e-7, float32: 3e-4 };
const TYPE_TOL: Partial<Record<DType, number>> = { float64: 1e-4, float32: 1e-2 };

/**
 * `theano.gradient.verifyGrad(fun, points, opts)`: checks the symbolic gradient of `fun` at `points` against
 * finite differences, with Theano's method. `fun` receives one symbolic input per point (same dtype and rank;
 * axes of length 1 are broadcastable, as Theano makes them) and returns one symbolic output. For each of `nTests`
 * random projections u ~ U[0.5, 1.5) shaped like the output, the gradient of cost = sum(u * fun(...)) from T.grad
 * is compared with finite differences of the compiled cost; an element fails only when both its absolute error
 * |a − n| and its relative error |a − n| / max(|a| + |n|, 1e-8) exceed their tolerances.
 *
 * Throws a GradientError (a GradientCheckError, with `details`) naming the input, the worst element's index, the
 * analytic and numeric values; returns a report otherwise. The step actually taken is the representable one
 * (fl(x + ε) − x), which matters for float32 points.
 */
export function verifyGrad(fun: (...inputs: Variable[]) => Variable, points: readonly GradPoint[], opts: VerifyGradOptions = {}): VerifyGradReport {
  if (!Array.isArray(points)) throw new TypeMismatchError('verifyGrad: points must be an array with one value per input of fun');
  const pts = points.map((p, i) => {
    const a = toNDArray(p as Nested | TypedArray | NDArray, undefined, undefined, 'float64');
    if (!isFloat(a.dtype)) throw new TypeMismatchError(`verifyGrad: works only with float points, but point ${i} has dtype ${a.dtype}`);
    return a.copy();
  });
  const nTests = opts.nTests ?? 2;
  const eps = opts.eps ?? Math.max(...pts.map((p) => TYPE_EPS[p.dtype]!));
  const absTol = opts.absTol ?? Math.max(...pts.map((p) => TYPE_TOL[p.dtype]!));
  const relTol = opts.relTol ?? Math.max(...pts.map((p) => TYPE_TOL[p.dtype]!));
  const central = opts.central ?? false;
  const rng = opts.rng ?? new RandomState(opts.seed ?? 42);

  const inputs = pts.map(
    (p, i) =>
      new Variable(
        new TensorType(
          p.dtype,
          p.shape.map((d) => (d === 1 ? 1 : null)),
        ),
        null,
        0,
        `input ${i}`,
      ),
  );
  const out = fun(...inputs) as unknown;
  if (!(out instanceof Variable)) {
    throw new TypeMismatchError(
      `verifyGrad: fun must return one symbolic variable; got ${Array.isArray(out) ? 'an array (verifyGrad checks one output: return one of them)' : typeof out}`,
    );
  }
  if (!isFloat(out.dtype)) throw new TypeMismatchError(`verifyGrad: fun must return a float variable; got ${out.describe()}`);

  const mode = opts.mode;
  const fast: Mode | undefined = mode === 'DEBUG_MODE' ? 'FAST_RUN' : mode;
  const fnOpts = (m: Mode | undefined) => ({ onUnusedInput: 'ignore' as const, allowInputDowncast: true, ...(m ? { mode: m } : {}), name: 'verifyGrad' });
  const forward = compileFunction(inputs, out, fnOpts(fast));
  const outShape = forward(...pts).shape;

  const u = new Variable(
    new TensorType(
      'float64',
      outShape.map(() => null),
    ),
    null,
    0,
    'randomProjection',
  );
  const cost = sum(mul(u, out));
  cost.name = 'verifyGradCost';
  const costFn = compileFunction([...inputs, u], cost, fnOpts(fast));
  const grads = grad(cost, inputs, { disconnectedInputs: 'ignore' });
  const gradFn = compileFunction([...inputs, u], grads, fnOpts(mode));

  const size = outShape.reduce((a, b) => a * b, 1);
  let worst: GradCheckWorst | null = null;
  let worstScore = -1;
  for (let t = 0; t < nTests; t++) {
    const proj = new NDArray('float64', outShape.slice(), rng.uniform(0.5, 1.5, size));
    const numeric = numericGrad(costFn, pts, proj, eps, central);
    const analytic = gradFn(...pts.map((p) => p.copy()), proj);
    for (let k = 0; k < pts.length; k++) {
      const a = analytic[k]!;
      const n = numeric[k]!;
      const p = pts[k]!;
      if (a.shape.length !== p.shape.length || a.shape.some((d, i) => d !== p.shape[i])) {
        throw new GradientError(
          `verifyGrad: the analytic gradient with respect to ${describeInput(k, pts)} has shape ${formatShape(a.shape)}; expected ${formatShape(p.shape)} (the shape of the input)`,
        );
      }
      for (let i = 0; i < n.length; i++) {
        const av = a.data[i]!;
        const nv = n[i]!;
        const absErr = Math.abs(av - nv);
        const relErr = absErr / Math.max(Math.abs(av) + Math.abs(nv), 1e-8);
        if (!Number.isFinite(absErr) || !Number.isFinite(relErr)) {
          throw new GradientCheckError(
            `verifyGrad: the gradient with respect to ${describeInput(k, pts)} is not finite at element ${formatIndex(unravel(i, p.shape))}: analytic ${av}, numeric ${nv}${context(t, nTests, opts, eps, central)}`,
            {
              input: k,
              position: i,
              index: unravel(i, p.shape),
              shape: p.shape.slice(),
              analytic: av,
              numeric: nv,
              absErr,
              relErr,
              test: t,
              absTol,
              relTol,
              eps,
            },
          );
        }
        const score = Math.min(absErr / absTol, relErr / relTol);
        if (score > worstScore) {
          worstScore = score;
          worst = { input: k, position: i, index: unravel(i, p.shape), shape: p.shape.slice(), analytic: av, numeric: nv, absErr, relErr };
        }
      }
    }
    const w = worst as GradCheckWorst | null;
    if (w && w.absErr > absTol && w.relErr > relTol) {
      throw new GradientCheckError(
        `verifyGrad: the analytic gradient with respect to ${describeInput(w.input, pts)} disagrees with finite differences at element ${formatIndex(w.index)}: ` +
          `analytic ${fmt(w.analytic)}, numeric ${fmt(w.numeric)}; abs. error ${fmt(w.absErr)} > abs. tolerance ${absTol}, rel. error ${fmt(w.relErr)} > rel. tolerance ${relTol}` +
          context(t, nTests, opts, eps, central),
        { ...w, test: t, absTol, relTol, eps },
      );
    }
  }
  return { nTests, eps, absTol, relTol, central, worst };
}

/**
 * Finite differences of the compiled cost for every element of every point (Theano's numeric_grad), with the
 * projection fixed. One-sided: (c(x + h) − c(x)) / h; central: (c(x + h) − c(x − h')) / (h + h'), where h and h'
 * are the steps the point's dtype can represent.
 */
function numericGrad(costFn: TsanoFunction<NDArray>, pts: readonly NDArray[], proj: NDArray, eps: number, central: boolean): Float64Array[] {
  const work = pts.map((p) => p.copy());
  const cost = (): number => costFn(...work, proj).item();
  const base = central ? 0 : cost();
  return work.map((p, k) => {
    const g = new Float64Array(p.size);
    const data = p.data;
    for (let i = 0; i < data.length; i++) {
      const orig = data[i]!;
      data[i] = orig + eps;
      const up = data[i]! - orig;
      if (up === 0)
        throw new GradientError(`verifyGrad: eps ${eps} is too small to change element ${i} of ${describeInput(k, pts)} (value ${orig}); pass a larger eps`);
      const plus = cost();
      let diff: number;
      if (central) {
        data[i] = orig - eps;
        const down = orig - data[i]!;
        const minus = cost();
        diff = (plus - minus) / (up + down);
      } else diff = (plus - base) / up;
      data[i] = orig;
      g[i] = diff;
    }
    return g;
  });
}

function describeInput(k: number, pts: readonly NDArray[]): string {
  const p = pts[k]!;
  return `input ${k}${pts.length > 1 ? ` of ${pts.length}` : ''} (${p.dtype} ${rankName(p.ndim)}, shape ${formatShape(p.shape)})`;
}

function context(t: number, nTests: number, opts: VerifyGradOptions, eps: number, central: boolean): string {
  const seed = opts.rng ? 'a caller-given rng' : `seed ${opts.seed ?? 42}`;
  return ` (random projection ${t + 1} of ${nTests}, ${seed}, eps ${eps}, ${central ? 'central' : 'one-sided'} differences)`;
}

function unravel(i: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length);
  for (let a = shape.length - 1; a >= 0; a--) {
    idx[a] = i % shape[a]!;
    i = Math.floor(i / shape[a]!);
  }
  return idx;
}

function formatIndex(idx: readonly number[]): string {
  return `[${idx.join(', ')}]`;
}

function fmt(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toPrecision(10).replace(/\.?0+(e|$)/, '$1');
}
