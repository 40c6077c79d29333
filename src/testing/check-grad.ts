/** checkGrad: verifyGrad for property tests — skips points on kinks, and failures print the graph. */
import fc from 'fast-check';
import type { NDArray } from '../ir/ndarray.js';
import { TensorType } from '../ir/type.js';
import { Variable } from '../ir/variable.js';
import { GradientError, TsanoError } from '../util/errors.js';
import { compileFunction, gradient, printing } from '../index.js';
import { GradientCheckError, type GradPoint, type VerifyGradOptions, type VerifyGradReport } from '../compile/verify-grad.js';
import { toNDArray } from '../ir/ndarray.js';
import { findKink } from './kinks.js';
import type { GraphCase } from './graphs.js';

export interface CheckGradOptions extends VerifyGradOptions {
  /**
   * Points where a kinked op (relu, abs, maximum, clip, max, max-pooling, comparisons) is closer than this to
   * its kink or tie are skipped, not checked. Default: 1e-4 for float64 points, 3e-2 for float32.
   */
  kinkMargin?: number;
  /** Points where |output| exceeds this (or is not finite) are skipped (default 1e6). */
  maxAbsOutput?: number;
  /** Names of the inputs, for messages (default: the names of the graph's own inputs, else 'input i'). */
  names?: readonly string[];
  /** Printed in the failure message instead of `graph: pp(output)` (a GraphCase gives its inputs, seed and pp). */
  label?: string;
}

export type CheckGradResult = { status: 'passed'; report: VerifyGradReport } | { status: 'skipped'; reason: string };

/**
 * Checks the gradient of `fun` at `points` like verifyGrad (same method, tolerances and defaults: one-sided
 * differences, nTests 2, seed 42), but first evaluates the graph: points that sit on a kink or tie, or give a
 * non-finite or huge output, are reported as skipped instead of failing. A failure throws a GradientError whose
 * message adds the graph, printed with `theano.printing.pp`.
 */
export function checkGrad(fun: (...inputs: Variable[]) => Variable, points: readonly GradPoint[], opts: CheckGradOptions = {}): CheckGradResult {
  const pts = points.map((p) => toNDArray(p as NDArray, undefined, undefined, 'float64'));
  const names = opts.names ?? pts.map((_, i) => `input ${i}`);
  const inputs = pts.map(
    (p, i) =>
      new Variable(
        new TensorType(
          p.dtype,
          p.shape.map((d) => (d === 1 ? 1 : null)),
        ),
        null,
        0,
        names[i],
      ),
  );
  const output = fun(...inputs);
  const f64 = pts.every((p) => p.dtype === 'float64');
  const margin = opts.kinkMargin ?? (f64 ? 1e-4 : 3e-2);
  const limit = opts.maxAbsOutput ?? 1e6;

  const forward = compileFunction(inputs, output, { mode: 'FAST_COMPILE', onUnusedInput: 'ignore', allowInputDowncast: true, name: 'checkGrad' });
  const value = forward(...pts);
  for (let i = 0; i < value.data.length; i++) {
    const v = value.data[i]!;
    if (!Number.isFinite(v) || Math.abs(v) > limit) return { status: 'skipped', reason: `the output has ${v} at element ${i} (limit ${limit})` };
  }
  const kink = findKink(output, inputs, pts, margin);
  if (kink) return { status: 'skipped', reason: kink };

  try {
    return { status: 'passed', report: gradient.verifyGrad(fun, pts, opts) };
  } catch (e) {
    if (!(e instanceof TsanoError)) throw e;
    const graph = opts.label ?? `graph: ${printing.pp(output)}`;
    if (!(e instanceof GradientError)) {
      // The forward graph ran above: an error now comes from building or running the gradient (a gradient of
      // the wrong shape reaching another op's gradient, say). That is a gradient bug too.
      const failure = new GradientError(`checkGrad: building or running the gradient failed: ${e.name}: ${e.message}\n  ${graph}`);
      (failure as Error & { cause?: unknown }).cause = e;
      throw failure;
    }
    const message = `${opts.names ? e.message.replace(/input (\d+)( of \d+)?/, (m, k: string) => `${m} '${names[Number(k)]}'`) : e.message}\n  ${graph}`;
    if (e instanceof GradientCheckError) throw new GradientCheckError(message, e.details);
    throw new GradientError(message);
  }
}

/** checkGrad on a drawn graph: its own input names, and its description (inputs, seed, pp) in failures. */
export function checkGraphGrad(c: GraphCase, opts: CheckGradOptions = {}): CheckGradResult {
  const b = c.build();
  return checkGrad(b.fun, b.points, { ...opts, names: b.inputs.map((v) => v.name!), label: c.toString() });
}

export interface GradPropertyStats {
  checked: number;
  skipped: number;
  reasons: string[];
}

/**
 * A fast-check property: every drawn graph's gradient matches finite differences. Graphs on a kink are
 * skipped with `fc.pre` (fast-check draws another), so `numRuns` counts checked graphs. Pass `stats` to
 * count checked and skipped graphs (those tried while shrinking included).
 */
export function gradProperty(arb: fc.Arbitrary<GraphCase>, opts: CheckGradOptions = {}, stats?: GradPropertyStats): fc.IPropertyWithHooks<[GraphCase]> {
  return fc.property(arb, (c) => {
    const r = checkGraphGrad(c, opts);
    if (stats) {
      if (r.status === 'passed') stats.checked++;
      else {
        stats.skipped++;
        stats.reasons.push(r.reason);
      }
    }
    fc.pre(r.status === 'passed');
  });
}
