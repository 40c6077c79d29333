import type { FunctionGraph } from '../ir/fgraph.js';
import type { NDArray } from '../ir/ndarray.js';
import type { Variable } from '../ir/variable.js';

/** What `f.kernels()` lists: one entry per kernel, with the user-level ops it computes and its source. */
export interface KernelInfo {
  name: string;
  backend: string;
  ops: string[];
  source: string;
  /** The shared variable this kernel updates in place, writing into its storage (by name). */
  overwrites?: string;
}

/** A compiled schedule: takes the values of the graph's leaves, returns the values of its outputs. */
/** Time spent per kernel since compilation (profile mode), like Theano's ProfileStats. */
export interface KernelProfile {
  name: string;
  calls: number;
  totalMs: number;
}

export interface Executable {
  /** Output arrays are the executable's own buffers: valid until the next call. */
  run(leafValue: (v: Variable) => NDArray): NDArray[];
  /** The same call for backends that may answer asynchronously (gpu.js's webgpu mode). */
  runAsync?(leafValue: (v: Variable) => NDArray): Promise<NDArray[]>;
  /**
   * The executable applies the updates itself (keeping new values on a device) and returns only the outputs that
   * are not updates; otherwise the caller writes the update outputs into the shared variables.
   */
  readonly ownsUpdates?: boolean;
  kernels(): KernelInfo[];
  /** Per-kernel timings, when prepared with `profile: true`. */
  profile(): KernelProfile[] | undefined;
  /** A variable's value from the last call (intermediates only when prepared with `keepIntermediates`). */
  valueOf?(v: Variable): NDArray | undefined;
  /** The generated function that runs the whole schedule, once built (from the second call of a shape signature). */
  driverSource?(): string | undefined;
}

export interface PrepareOptions {
  /** Time every kernel. */
  profile?: boolean;
  /**
   * Outputs that are the new values of shared variables (updates): their kernels may write straight into the
   * shared variable's storage when every other reader of it has run before (SGD's `W - eta * dW` in place).
   */
  updateTargets?: ReadonlyMap<Variable, Variable>;
  /** NAN_GUARD: check every kernel's outputs (and the inputs) for NaN and ±Inf. */
  nanGuard?: boolean;
  /** Use WebAssembly kernels where there are some (also subject to `config.wasm`); off: the reference kernels only. */
  wasm?: boolean;
  /** Give every value its own buffer and keep it after the call (DEBUG_MODE reads them with `valueOf`). */
  keepIntermediates?: boolean;
  /** Overrides `config.memoryLimit` (MiB per shape signature). */
  memoryLimitMiB?: number;
}

export interface Backend {
  readonly name: string;
  prepare(fg: FunctionGraph, opts?: PrepareOptions): Executable;
}
