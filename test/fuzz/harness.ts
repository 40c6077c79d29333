/**
 * The fuzzer's core: its seed and case counts, and the property every case checks — an outcome is either a
 * result (checked by the caller) or an instance of tsano's TsanoError with a readable message; a plain
 * TypeError/RangeError/Error, or a case that runs for seconds, fails the property.
 *
 * `npm test` runs the suites with FUZZ_SEED and their default counts; `npm run fuzz -- --runs N --seed S`
 * (run.ts) sets TSANO_FUZZ_SEED / TSANO_FUZZ_RUNS, N being the total number of cases over all suites.
 */
import { writeSync } from 'node:fs';
import fc from 'fast-check';
import { TsanoError } from '../../src/index.js';
import type { NDArray } from '../../src/index.js';

export const DEFAULT_FUZZ_SEED = 20250611;
export const FUZZ_SEED = Number(process.env.TSANO_FUZZ_SEED ?? DEFAULT_FUZZ_SEED);
/** Sum of every suite's default count: `--runs N` scales each suite by N / DEFAULT_TOTAL. */
export const DEFAULT_TOTAL = 3850;
const requested = process.env.TSANO_FUZZ_RUNS ? Number(process.env.TSANO_FUZZ_RUNS) : undefined;

export function fuzzRuns(defaultRuns: number): number {
  if (requested === undefined) return defaultRuns;
  return Math.max(1, Math.round((defaultRuns * requested) / DEFAULT_TOTAL));
}

const TRACE = Boolean(process.env.TSANO_FUZZ_TRACE);

/** A case longer than this is reported as a (near) hang. */
export const SLOW_CASE_MS = Number(process.env.TSANO_FUZZ_SLOW_MS ?? 4000);

/** What the fuzzer found: not a TsanoError, a hang, or a wrong result. Fails the property with context. */
export class FuzzFailure extends Error {
  constructor(
    message: string,
    readonly original?: unknown,
  ) {
    super(message);
    this.name = 'FuzzFailure';
  }
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: TsanoError };

/** Counts per suite, for the runner's report. */
export const stats = { cases: 0, results: 0, errors: new Map<string, number>() };

/**
 * Failures collected instead of thrown (run.ts --keep-going): the first line of each distinct message, with
 * one example case and a count, so that one long run lists every kind of bug it meets.
 */
export const collected = new Map<string, { count: number; example: string; message: string }>();
let keepGoing = false;
export function setKeepGoing(on: boolean): void {
  keepGoing = on;
}

/** run.ts's watchdog reads the number of cases started from here (a SharedArrayBuffer shared with its worker). */
let caseCounter: Int32Array | undefined;
export function setCaseCounter(counter: Int32Array): void {
  caseCounter = counter;
}

/** fc.property over `arb` whose body counts the case and, with keepGoing, records failures instead of throwing. */
export function caseProperty<T>(arb: fc.Arbitrary<T>, body: (c: T) => void): fc.IProperty<[T]> {
  return fc.property(arb, (c) => {
    stats.cases++;
    if (caseCounter) Atomics.store(caseCounter, 0, stats.cases);
    // TSANO_FUZZ_TRACE=1: each case on stderr before it runs, to find the one that hangs or crashes the process.
    if (TRACE) writeSync(2, `case ${stats.cases}: ${fc.stringify(c)}\n`);
    try {
      body(c);
    } catch (e) {
      if (!keepGoing) throw e;
      const message = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
      const key = message
        .split('\n')[0]!
        .replace(/\d+(\.\d+)?/g, 'N')
        .replace(/'[^']*'/g, "'_'")
        .slice(0, 160);
      const entry = collected.get(key);
      if (entry) entry.count++;
      else collected.set(key, { count: 1, example: fc.stringify(c).slice(0, 2000), message: message.slice(0, 3000) });
    }
  });
}

/**
 * Bugs found but not yet fixed, each naming its file and a pattern of the error: reported by run.ts and counted,
 * not failed on, until fixed. Empty now: the ones found in src/compile/function.ts and src/index.ts are fixed.
 */
export const KNOWN_ISSUES: readonly { file: string; pattern: RegExp; note: string }[] = [];
export const knownIssueCounts = new Map<string, number>();

/** Wraps an error that a KNOWN_ISSUES entry describes, so a case can go on as if tsano had raised it. */
export class KnownIssue extends TsanoError {}

/** The file of the innermost stack frame in the repository (where a plain error was thrown). */
function thrownIn(e: unknown): string {
  const frame = (e instanceof Error ? (e.stack ?? '') : '').split('\n').find((l) => /\/(src|test)\//.test(l));
  return frame?.match(/\/((?:src|test)\/[^:)]+)/)?.[1] ?? '';
}

/** A src/passes builder called straight from the API table (theano.gradient.*), not from T.*, compilation or a run. */
function directFromTable(stack: string): boolean {
  return stack.includes('api-table') && !/\/src\/(compile|tensor|codegen)\//.test(stack);
}

function known(e: unknown): KnownIssue | undefined {
  const m = e instanceof Error ? e.message : String(e);
  const file = thrownIn(e);
  // A known issue is a TsanoError with that message, or a plain error thrown inside that file (for src/index.ts:
  // in src/passes, reached without the checking wrappers of src/tensor/grad-args.ts).
  const k = KNOWN_ISSUES.find((i) =>
    i.file === 'src/index.ts'
      ? !(e instanceof TsanoError) && file.startsWith('src/passes/') && e instanceof Error && directFromTable(e.stack ?? '')
      : i.pattern.test(m) && (e instanceof TsanoError || file === i.file),
  );
  if (!k) return undefined;
  knownIssueCounts.set(k.note, (knownIssueCounts.get(k.note) ?? 0) + 1);
  return new KnownIssue(`${k.file}: ${k.note}: ${m}`);
}

/** A message must say something: not empty, no "[object Object]", no "undefined (reading" leaks. */
function checkMessage(what: string, e: TsanoError): void {
  const m = e.message;
  if (e instanceof KnownIssue) return;
  if (m.length < 12 || /\[object Object\]|Cannot read propert|is not a function|\(reading /.test(m)) {
    throw new FuzzFailure(`${what}: ${e.name} with an unhelpful message: ${JSON.stringify(m)}`, e);
  }
}

/**
 * Runs `fn`: a value comes back as { ok: true }, a TsanoError as { ok: false }; anything else thrown (or a
 * run over SLOW_CASE_MS) throws a FuzzFailure that names the step and the original error with its stack.
 */
export function attempt<T>(what: string, fn: () => T): Outcome<T> {
  const t0 = performance.now();
  let out: Outcome<T>;
  try {
    out = { ok: true, value: fn() };
  } catch (thrown) {
    if (thrown instanceof FuzzFailure) throw thrown;
    const e = known(thrown) ?? thrown;
    if (!(e instanceof TsanoError)) {
      const err = e as Error;
      throw new FuzzFailure(`${what}: threw a plain ${err?.name ?? typeof e} instead of a TsanoError: ${err?.message ?? String(e)}\n${err?.stack ?? ''}`, e);
    }
    checkMessage(what, e as TsanoError);
    stats.errors.set((e as TsanoError).name, (stats.errors.get((e as TsanoError).name) ?? 0) + 1);
    out = { ok: false, error: e as TsanoError };
  }
  const ms = performance.now() - t0;
  if (ms > SLOW_CASE_MS) throw new FuzzFailure(`${what}: took ${ms.toFixed(0)} ms (a hang?)`);
  if (out.ok) stats.results++;
  return out;
}

/** `attempt` that also insists on an error of class `cls` whose message contains every string of `parts`. */
export function expectError(what: string, fn: () => unknown, cls: abstract new (...a: never[]) => TsanoError, parts: readonly string[] = []): TsanoError {
  const r = attempt(what, fn);
  if (r.ok) throw new FuzzFailure(`${what}: expected a ${cls.name}, got a result${describeValue(r.value)}`);
  const err: Error = r.error;
  if (!(r.error instanceof cls)) throw new FuzzFailure(`${what}: expected a ${cls.name}, got ${err.name}: ${err.message}`);
  for (const p of parts) {
    if (!r.error.message.includes(p)) throw new FuzzFailure(`${what}: the ${cls.name} should mention ${JSON.stringify(p)}: ${r.error.message}`);
  }
  return r.error;
}

function describeValue(v: unknown): string {
  if (v && typeof v === 'object' && 'shape' in v && 'data' in v) return ` of shape [${(v as NDArray).shape}]`;
  return '';
}

/**
 * Two results agree: same shape and dtype; elements equal within tolerance, NaN against NaN, infinities
 * exactly. Returns a description of the first disagreement, or null.
 */
export function disagreement(got: NDArray, want: { shape: readonly number[]; data: ArrayLike<number> }, rtol = 1e-9, atol = 1e-12): string | null {
  if (got.shape.length !== want.shape.length || got.shape.some((d, i) => d !== want.shape[i])) {
    return `shape [${got.shape}] but expected [${want.shape}]`;
  }
  for (let i = 0; i < want.data.length; i++) {
    const a = got.data[i]!;
    const e = want.data[i]!;
    if (Number.isNaN(a) || Number.isNaN(e)) {
      if (Number.isNaN(a) && Number.isNaN(e)) continue;
    } else if (!Number.isFinite(a) || !Number.isFinite(e)) {
      if (a === e) continue;
    } else if (Math.abs(a - e) <= atol + rtol * Math.abs(e)) continue;
    return `element ${i} is ${a}, expected ${e}`;
  }
  return null;
}

/** Tolerance for a dtype's results. */
export function rtolFor(dtype: string): number {
  return dtype === 'float32' ? 2e-5 : 1e-9;
}

/** Throws a FuzzFailure when `got` and `want` disagree. */
export function expectAgree(what: string, got: NDArray, want: { shape: readonly number[]; data: ArrayLike<number> }, rtol = rtolFor(got.dtype)): void {
  const d = disagreement(got, want, rtol, rtol);
  if (d) throw new FuzzFailure(`${what}: wrong result: ${d}`);
}
