import type { Backend, Executable, KernelInfo } from '../codegen/backend.js';
import { profileReport, type ProfileReport } from './profile.js';
import { checkAgainstReference } from './debug-mode.js';
import { ReferenceCpuBackend } from '../codegen/cpu/reference-backend.js';
import { gpuBackend } from '../codegen/gpu/gpu-backend.js';
import { FunctionGraph } from '../ir/fgraph.js';
import { NDArray } from '../ir/ndarray.js';
import { Constant, SharedVariable, Variable } from '../ir/variable.js';
import { CompileError, InputValueError, MissingInputError, TypeMismatchError, UnusedInputError } from '../util/errors.js';
import { debugLog, DebugLevel } from '../util/debug.js';
import { config } from '../util/config.js';
import { optimize, type Mode } from '../passes/pipeline.js';
import type { PhaseReport } from '../passes/rewrite.js';
import { cloneWithReplacements } from './clone.js';
import { describeValue } from '../ir/validate.js';
import { toInputValue, type InputArg } from './input-values.js';
import { collectGivens, collectUpdates, withDefaultUpdates, type Pairs } from './updates.js';

export interface FunctionOptions {
  updates?: Pairs<Variable, Variable | number>;
  givens?: Pairs<Variable, Variable | NDArray | number>;
  onUnusedInput?: 'raise' | 'warn' | 'ignore';
  allowInputDowncast?: boolean;
  name?: string;
  /** 'FAST_RUN' (default: config.mode), 'FAST_COMPILE', 'DEBUG_MODE', 'NAN_GUARD'. */
  mode?: Mode;
  /** Time every kernel; read with `f.profile()`. */
  profile?: boolean;
  /** Skip the default updates of shared variables (random streams then repeat their numbers). */
  noDefaultUpdates?: boolean;
  /** 'cpu' or 'gpu' (default: config.device). DEBUG_MODE and NAN_GUARD run on the CPU. */
  device?: 'cpu' | 'gpu';
  /** gpu.js mode for device 'gpu' (default: config.gpuMode). */
  gpuMode?: string;
}

/** A compiled function: call it for its outputs; updates are applied after every call. */
export interface TsanoFunction<R = NDArray | NDArray[]> {
  (...args: InputArg[]): R;
  /** The same call as a Promise (works on every backend, including asynchronous GPU modes). */
  run(...args: InputArg[]): Promise<R>;
  /** The kernels this function runs, in order. */
  kernels(): KernelInfo[];
  /** Source of the generated driver that runs the whole schedule (after the second call with the same shapes). */
  driverSource(): string | undefined;
  /** Time and calls per kernel (compile with `profile: true`), with a printable table. */
  profile(): ProfileReport;
  readonly fgraph: FunctionGraph;
  /** What each rewrite phase did (node counts, rules fired). */
  readonly phases: readonly PhaseReport[];
  readonly inputs: readonly Variable[];
  readonly name: string;
}

/** `theano.function(inputs, outputs, { updates, givens, … })`. */
export function compileFunction(inputs: readonly Variable[], outputs: Variable, opts?: FunctionOptions): TsanoFunction<NDArray>;
export function compileFunction(inputs: readonly Variable[], outputs: readonly Variable[], opts?: FunctionOptions): TsanoFunction<NDArray[]>;
export function compileFunction(
  inputs: readonly Variable[],
  outputs?: Variable | readonly Variable[],
  opts?: FunctionOptions,
): TsanoFunction<NDArray | NDArray[]>;
export function compileFunction(
  inputs: readonly Variable[],
  outputs: Variable | readonly Variable[] = [],
  opts: FunctionOptions = {},
): TsanoFunction<NDArray | NDArray[]> {
  checkOptions(inputs, outputs, opts);
  const fname = opts.name ?? '';
  const single = outputs instanceof Variable;
  const userOutputs = single ? [outputs as Variable] : [...(outputs as readonly Variable[])];
  checkInputs(inputs, userOutputs);
  const givens = collectGivens(opts.givens);
  const explicitUpdates = collectUpdates(opts.updates);
  const updates = opts.noDefaultUpdates ? explicitUpdates : withDefaultUpdates(explicitUpdates, [...userOutputs, ...givens.values()]);

  const cloned = cloneWithReplacements([...userOutputs, ...updates.map(([, v]) => v)], givens);
  const fg = new FunctionGraph([...inputs], cloned);
  checkGraphInputs(fg, inputs, givens, opts.onUnusedInput ?? 'raise');
  const mode = (opts.mode ?? config.mode) as Mode;
  // DEBUG_MODE keeps an unoptimised twin of the graph and checks every call against it.
  const debug = mode === 'DEBUG_MODE';
  const twinOf = new Map<Variable, Variable>();
  const reference = debug
    ? new ReferenceCpuBackend().prepare(new FunctionGraph([...inputs], cloneWithReplacements(cloned, new Map(), twinOf)), { keepIntermediates: true })
    : undefined;
  const phases = optimize(fg, mode);
  const nOut = userOutputs.length;
  const backend: Backend = chooseBackend(opts, mode);
  // DEBUG_MODE's reference reads the shared variables after the call: they must keep their old values till then.
  const updateTargets = mode === 'DEBUG_MODE' ? undefined : new Map(updates.map(([shared], k) => [fg.outputs[nOut + k]!, shared as Variable]));
  // FAST_COMPILE runs the reference kernels, as Theano's runs Python implementations instead of compiled C.
  const exe: Executable = backend.prepare(fg, {
    profile: opts.profile ?? false,
    updateTargets,
    nanGuard: mode === 'NAN_GUARD',
    wasm: mode !== 'FAST_COMPILE',
    keepIntermediates: debug,
  });
  const pair = reference && { optimized: exe, fg, reference, twinOf };
  debugLog(
    DebugLevel.summary,
    () =>
      `compiled function '${fname}' (${mode}): ${phases[0]?.nodesBefore ?? 0} -> ${fg.toposort().length} nodes, ${updates.length} updates, backend ${backend.name}`,
  );

  const valuesOf = (args: InputArg[]): Map<Variable, NDArray> => {
    if (args.length !== inputs.length) {
      const names = inputs.map((v) => v.name ?? '<unnamed>').join(', ');
      throw new InputValueError(
        `function${fname ? ` '${fname}'` : ''} expects ${inputs.length} argument${inputs.length === 1 ? '' : 's'} (${names}); got ${args.length}`,
      );
    }
    const values = new Map<Variable, NDArray>();
    inputs.forEach((v, i) => values.set(v, toInputValue(args[i]!, v, i, opts.allowInputDowncast, fname)));
    return values;
  };
  const finishCall = (results: NDArray[], values: Map<Variable, NDArray>): NDArray | NDArray[] => {
    if (pair) checkAgainstReference(pair, results, cloned, (leaf) => leafValue(leaf, values));
    // Results are the executable's reusable buffers: hand out copies, and write updates only after all outputs.
    const outs = results.slice(0, nOut).map((a) => a.copy());
    if (!exe.ownsUpdates) applyUpdates(results);
    return single ? outs[0]! : outs;
  };
  const applyUpdates = (results: NDArray[]): void => {
    const newValues = updates.map(([shared], k) => {
      const v = results[nOut + k]!;
      const computed = fg.outputs[nOut + k]!.owner !== null;
      // Written in place by its kernel: already there. A shared variable's own storage is copied before any write.
      if (computed && v === shared.value) return undefined;
      return v === shared.value || !computed ? v.copy() : v;
    });
    updates.forEach(([shared], k) => (newValues[k] ? writeShared(shared, newValues[k]) : shared.markChanged()));
  };
  const call = (args: InputArg[]): NDArray | NDArray[] => {
    const values = valuesOf(args);
    return finishCall(
      exe.run((leaf) => leafValue(leaf, values)),
      values,
    );
  };
  const callAsync = async (args: InputArg[]): Promise<NDArray | NDArray[]> => {
    if (!exe.runAsync) return call(args);
    const values = valuesOf(args);
    return finishCall(await exe.runAsync((leaf) => leafValue(leaf, values)), values);
  };

  const f = ((...args: InputArg[]) => call(args)) as TsanoFunction<NDArray | NDArray[]>;
  Object.defineProperties(f, {
    run: { value: (...args: InputArg[]) => callAsync(args) },
    kernels: { value: () => exe.kernels() },
    driverSource: { value: () => exe.driverSource?.() },
    profile: { value: () => profileReport(exe, fname) },
    fgraph: { value: fg },
    phases: { value: phases },
    inputs: { value: inputs.slice() },
    name: { value: fname },
  });
  return f;
}

function leafValue(leaf: Variable, inputs: Map<Variable, NDArray>): NDArray {
  const v = inputs.get(leaf);
  if (v) return v;
  if (leaf instanceof SharedVariable) return leaf.value;
  if (leaf instanceof Constant) return leaf.value;
  throw new MissingInputError(`internal: no value for ${leaf.describe()}`);
}

/** Writes an update into the shared variable's storage (in place when the shape is unchanged). */
function writeShared(shared: SharedVariable, value: NDArray): void {
  const cur = shared.value;
  if (cur.dtype === value.dtype && cur.shape.length === value.shape.length && cur.shape.every((d, i) => d === value.shape[i])) {
    cur.data.set(value.data);
    shared.markChanged();
  } else shared.setStorage(value.copy());
}

/** device=gpu runs on a gpu.js backend where its mode starts (else on the CPU, after a warning); DEBUG_MODE and NAN_GUARD check values on the CPU. */
function chooseBackend(opts: FunctionOptions, mode: Mode): Backend {
  const device = opts.device ?? config.device;
  if (device !== 'cpu' && device !== 'gpu') throw new CompileError(`theano.function: device ${String(device)} is not one of cpu, gpu`);
  if (device === 'cpu' || mode === 'DEBUG_MODE' || mode === 'NAN_GUARD') return new ReferenceCpuBackend();
  return gpuBackend(opts.gpuMode ?? config.gpuMode, config.forceDevice) ?? new ReferenceCpuBackend();
}

const MODES: readonly Mode[] = ['FAST_RUN', 'FAST_COMPILE', 'DEBUG_MODE', 'NAN_GUARD'];
const ON_UNUSED = ['raise', 'warn', 'ignore'];

/** What a plain JS caller may pass wrongly: each gets a CompileError naming the option and what is accepted. */
function checkOptions(inputs: unknown, outputs: unknown, opts: unknown): void {
  const what = (v: unknown) =>
    v instanceof Variable ? v.describe() : typeof v === 'string' ? `'${v}'` : Array.isArray(v) ? 'an array' : v === null ? 'null' : typeof v;
  if (!Array.isArray(inputs)) throw new CompileError(`theano.function: inputs must be an array of symbolic variables, e.g. [x, y]; got ${what(inputs)}`);
  if (!(outputs instanceof Variable) && !Array.isArray(outputs))
    throw new CompileError(`theano.function: outputs must be a symbolic variable or an array of them; got ${what(outputs)}`);
  if (typeof opts !== 'object' || opts === null || Array.isArray(opts))
    throw new CompileError(`theano.function: options must be an object such as { updates, givens }; got ${what(opts)}`);
  const o = opts as FunctionOptions;
  if (o.mode !== undefined && !MODES.includes(o.mode)) throw new CompileError(`theano.function: mode ${what(o.mode)} is not one of ${MODES.join(', ')}`);
  if (o.onUnusedInput !== undefined && !ON_UNUSED.includes(o.onUnusedInput))
    throw new CompileError(`theano.function: onUnusedInput ${what(o.onUnusedInput)} is not one of ${ON_UNUSED.join(', ')}`);
  if (o.name !== undefined && typeof o.name !== 'string') throw new CompileError(`theano.function: name must be a string; got ${what(o.name)}`);
}

function checkInputs(inputs: readonly Variable[], outputs: readonly Variable[]): void {
  const seen = new Set<Variable>();
  inputs.forEach((v, i) => {
    if (!(v instanceof Variable)) throw new TypeMismatchError(`theano.function: input ${i} is not a symbolic variable; got ${describeValue(v)}`);
    if (v instanceof SharedVariable)
      throw new TypeMismatchError(
        `theano.function: input ${i}, ${v.describe()}, is a shared variable; shared variables are implicit inputs and cannot be listed`,
      );
    if (v instanceof Constant) throw new TypeMismatchError(`theano.function: input ${i}, ${v.describe()}, is a constant`);
    if (v.owner)
      throw new TypeMismatchError(
        `theano.function: input ${i}, ${v.describe()}, is computed by other variables; inputs must be free variables such as T.matrix('x')`,
      );
    if (seen.has(v)) throw new TypeMismatchError(`theano.function: ${v.describe()} is listed twice among the inputs`);
    seen.add(v);
  });
  outputs.forEach((v, i) => {
    if (!(v instanceof Variable)) throw new TypeMismatchError(`theano.function: output ${i} is not a symbolic variable; got ${describeValue(v)}`);
  });
}

function checkGraphInputs(fg: FunctionGraph, inputs: readonly Variable[], givens: Map<Variable, Variable>, onUnused: 'raise' | 'warn' | 'ignore'): void {
  const leaves = new Set(fg.leaves());
  const inputSet = new Set(inputs);
  for (const leaf of leaves) {
    if (leaf instanceof Constant || leaf instanceof SharedVariable || inputSet.has(leaf)) continue;
    const names = inputs.map((v) => v.name ?? '<unnamed>').join(', ') || 'none';
    throw new MissingInputError(
      `theano.function: the outputs depend on ${leaf.describe()}, which is not among the inputs [${names}]. Add it to the inputs, or give it a value with givens.${leaf.createdAt()}`,
    );
  }
  inputs.forEach((v, i) => {
    if (leaves.has(v)) return;
    const replaced = givens.has(v) ? ' (it is replaced through givens)' : '';
    const msg = `theano.function: input ${i}, ${v.describe()}, is not used to compute the outputs${replaced}.${v.createdAt()} Pass onUnusedInput: 'warn' or 'ignore' to allow it.`;
    if (onUnused === 'raise') throw new UnusedInputError(msg);
    if (onUnused === 'warn') console.warn(`[tsano] ${msg}`);
  });
}
