/**
 * Compiles a graph twice — FAST_COMPILE (the graph as written) and FAST_RUN (rewritten and fused) — calls both
 * with the same arguments and checks that the outcomes agree: the same results, or TsanoErrors. FAST_RUN may
 * succeed where the graph as written fails (a rewrite can drop a dead computation), never the reverse.
 */
import * as theano from '../../src/index.js';
import type { FunctionOptions, NDArray, Variable } from '../../src/index.js';
import { attempt, disagreement, FuzzFailure, type Outcome } from './harness.js';

export interface CompareOptions extends FunctionOptions {
  /** Compare values (false for hostile values, where float32 rounding of huge numbers may legitimately differ). */
  compareValues?: boolean;
}

/** Both compiled functions' outcome for one call; the FAST_COMPILE results when both succeeded. */
export function compileAndCompare(
  what: string,
  inputs: readonly Variable[],
  outputs: readonly Variable[],
  args: readonly unknown[],
  opts: CompareOptions = {},
): Outcome<NDArray[]> | undefined {
  const { compareValues = true, ...fopts } = opts;
  const build = (mode: 'FAST_COMPILE' | 'FAST_RUN') =>
    attempt(`${what}: theano.function (${mode})`, () => theano.function([...inputs], [...outputs], { onUnusedInput: 'ignore', ...fopts, mode }));
  const fRef = build('FAST_COMPILE');
  const fOpt = build('FAST_RUN');
  if (fRef.ok && !fOpt.ok) {
    // Constant folding runs the graph's constant part while compiling: an error it meets must be the one the
    // graph as written raises when called.
    // (Or the call stops earlier, at an argument that does not fit.)
    const r = attempt(`${what}: call (FAST_COMPILE)`, () => fRef.value(...(args as never[])));
    if (!r.ok && (r.error.constructor === fOpt.error.constructor || r.error instanceof theano.InputError)) return r;
    throw new FuzzFailure(
      `${what}: compiling raises ${fOpt.error.name} in FAST_RUN only (${fOpt.error.message}); the graph as written ${r.ok ? 'gives a result' : `raises ${r.error.name}: ${r.error.message}`}`,
    );
  }
  if (fRef.ok !== fOpt.ok)
    throw new FuzzFailure(`${what}: compiling succeeds in FAST_RUN only; FAST_COMPILE raised ${(fRef as { error: Error }).error.message}`);
  if (!fRef.ok || !fOpt.ok) return fRef.ok ? undefined : fRef;
  theano.printing.debugprint(fOpt.value);
  // Both functions share the shared variables: run each from the same values, then compare what they left.
  const shared = [...new Set([...fRef.value.fgraph.sharedVariables(), ...fOpt.value.fgraph.sharedVariables()])];
  const before = shared.map((s) => s.getValue());
  const rRef = attempt(`${what}: call (FAST_COMPILE)`, () => fRef.value(...(args as never[])));
  const afterRef = shared.map((s) => s.getValue());
  shared.forEach((s, k) => s.setStorage(before[k]!.copy()));
  const rOpt = attempt(`${what}: call (FAST_RUN)`, () => fOpt.value(...(args as never[])));
  if (rRef.ok && rOpt.ok) {
    shared.forEach((s, k) => {
      const d = disagreement(s.getValue(), afterRef[k]!, 1e-4, 1e-5);
      if (d) throw new FuzzFailure(`${what}: shared variable ${s.describe()} after the call differs between FAST_RUN and FAST_COMPILE: ${d}`);
    });
  }
  if (rRef.ok && !rOpt.ok) {
    throw new FuzzFailure(`${what}: the optimised function raised ${rOpt.error.name} where the graph as written gives a result: ${rOpt.error.message}`);
  }
  if (!rRef.ok) return rRef;
  const ref = rRef.value;
  const opt = (rOpt as { value: NDArray[] }).value;
  ref.forEach((a, k) => {
    const b = opt[k]!;
    if (a.dtype !== b.dtype) throw new FuzzFailure(`${what}: output ${k} is ${b.dtype} after optimisation but ${a.dtype} as written`);
    // Theano's canonicalization rewrites x * 0 to 0 (local_mul_zero): where the graph as written gives NaN
    // (0 * NaN), the optimised one may give a number. And the stabilize phase exists to turn ±Inf from an
    // overflowing or underflowing step (log(sigmoid(x)) at large |x|, log(softmax)) into the finite value. Only
    // those directions are allowed.
    const cured = a.data.map((v, i) =>
      !Number.isFinite(v) && Number.isFinite(b.data[i]!) ? b.data[i]! : Number.isNaN(v) && !Number.isNaN(b.data[i]!) ? b.data[i]! : v,
    );
    const d = compareValues
      ? disagreement(b, { shape: a.shape, data: cured }, a.dtype === 'float32' ? 1e-4 : 1e-9, 1e-5)
      : a.shape.join() === b.shape.join()
        ? null
        : `shape [${b.shape}] vs [${a.shape}]`;
    if (d)
      throw new FuzzFailure(`${what}: output ${k} (${outputs[k]!.describe()}) differs after optimisation: ${d}\n${theano.printing.debugprint([...outputs])}`);
  });
  return { ok: true, value: ref };
}

/** What a case may give: any of these errors, or (when there is no problem) this value. */
export interface Expected {
  errors: (abstract new (...a: never[]) => Error)[];
  value?: { shape: readonly number[]; data: ArrayLike<number> };
  dtype?: string;
}

/**
 * Builds a graph (`build` may throw a TsanoError), compiles and runs it in both modes, and checks the outcome
 * against `want`: the value (within rtol), or an error of one of the expected classes. Returns the error met.
 */
export function checkCase(what: string, build: () => { inputs: Variable[]; out: Variable; args: unknown[] }, want: Expected, rtol = 1e-9): Error | undefined {
  let err: Error | undefined;
  let result: NDArray | undefined;
  let out: Variable | undefined;
  try {
    const b = build();
    out = b.out;
    const r = compileAndCompare(what, b.inputs, [b.out], b.args);
    if (r && !r.ok) err = r.error;
    else if (r) result = r.value[0];
  } catch (e) {
    if (!(e instanceof theano.TsanoError))
      throw e instanceof FuzzFailure ? e : new FuzzFailure(`${what}: a plain ${(e as Error).name}: ${(e as Error).message}\n${(e as Error).stack}`);
    err = e;
  }
  if (result) {
    if (!want.value)
      throw new FuzzFailure(
        `${what}: expected ${want.errors.map((e) => e.name).join(' or ')}, got a result of shape [${result.shape}] (${theano.printing.pp(out!)})`,
      );
    if (want.dtype && result.dtype !== want.dtype) throw new FuzzFailure(`${what}: the result is ${result.dtype}, expected ${want.dtype}`);
    const d = disagreement(result, want.value, rtol, rtol);
    if (d) throw new FuzzFailure(`${what}: wrong result: ${d} (${theano.printing.pp(out!)})`);
    return undefined;
  }
  if (!err) return undefined;
  if (!want.errors.some((cls) => err instanceof cls)) {
    throw new FuzzFailure(
      `${what}: expected ${want.value ? `a result of shape [${want.value.shape}]` : want.errors.map((e) => e.name).join(' or ')}, got ${err.name}: ${err.message}`,
    );
  }
  return err;
}
