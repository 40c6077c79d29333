import type { Backend, Executable, KernelInfo, KernelProfile, PrepareOptions } from '../backend.js';
import type { FunctionGraph } from '../../ir/fgraph.js';
import { NDArray } from '../../ir/ndarray.js';
import { SharedVariable, type Apply, type Variable } from '../../ir/variable.js';
import { allocArray, type DType, type TypedArray } from '../../ir/dtype.js';
import type { WasmHeap } from '../wasm/heap.js';
import { sameShape, sizeOf } from '../../util/shape.js';
import { debugLog, DebugLevel } from '../../util/debug.js';
import { config } from '../../util/config.js';
import { CompileError } from '../../util/errors.js';
import { bytesPer, checkFinite, checkLeafFinite, kernelFailure, mib } from './guards.js';
import { buildDriver, type Driver } from './driver.js';
import { wasmHeap, wasmKernelSource, wasmPerformFor, type Perform } from './wasm-kernels.js';
import { FusedElementwise } from '../../ops/elemwise/fused.js';
import { Elemwise } from '../../ops/elemwise/elemwise.js';
import { Gemm } from '../../ops/gemm.js';

/**
 * The CPU backend's reference executor: runs each node's reference implementation in topological order over
 * buffers that are allocated once per output shape and reused on every later call with the same shapes.
 */
export class ReferenceCpuBackend implements Backend {
  readonly name = 'cpu';
  prepare(fg: FunctionGraph, opts: PrepareOptions = {}): Executable {
    return new ReferenceExecutable(fg, opts.profile ?? false, opts);
  }
}

interface Step {
  node: Apply;
  inputSlots: number[];
  outputSlots: number[];
  /** The kernel that runs the node: a WebAssembly one where there is one, else the op's reference implementation. */
  perform: Perform;
  wasm: boolean;
  /** The slot of a shared variable this step's (single) output overwrites in place: its update. */
  overwrites?: number;
}

class ReferenceExecutable implements Executable {
  private readonly slotOf = new Map<Variable, number>();
  private readonly leaves: Variable[] = [];
  private readonly leafSlots: number[] = [];
  private readonly steps: Step[] = [];
  private readonly outputSlots: number[];
  /** One set of buffers per signature of leaf shapes (the last, smaller mini-batch gets its own). */
  private readonly buffersByShape = new Map<string, (NDArray | undefined)[]>();
  private readonly timings: { calls: number; totalMs: number }[] | undefined;
  /** Per slot, the last step that reads it (outputs and leaves: never released). */
  private readonly lastUse: number[];

  private readonly bytesBySignature = new Map<string, number>();
  private readonly nanGuard: boolean;
  private readonly keepIntermediates: boolean;
  private lastValues: (NDArray | undefined)[] | undefined;
  private readonly memoryLimitBytes: number;
  /** Float32 buffers go to the wasm kernels' heap when they run (read and written there in place). */
  private readonly heap: WasmHeap | undefined;

  constructor(fg: FunctionGraph, profile: boolean, opts: PrepareOptions) {
    const { updateTargets } = opts;
    this.heap = opts.wasm ? wasmHeap() : undefined;
    this.nanGuard = opts.nanGuard ?? false;
    this.keepIntermediates = opts.keepIntermediates ?? false;
    this.memoryLimitBytes = (opts.memoryLimitMiB ?? config.memoryLimit) * 2 ** 20;
    const slot = (v: Variable): number => {
      let s = this.slotOf.get(v);
      if (s === undefined) {
        s = this.slotOf.size;
        this.slotOf.set(v, s);
        if (!v.owner) {
          this.leaves.push(v);
          this.leafSlots.push(s);
        }
      }
      return s;
    };
    for (const node of fg.toposort()) {
      const wasm = opts.wasm ? wasmPerformFor(node) : undefined;
      this.steps.push({
        node,
        inputSlots: node.inputs.map(slot),
        outputSlots: node.outputs.map(slot),
        perform: wasm ?? ((i, o, n) => node.op.perform(i, o, n)),
        wasm: !!wasm,
      });
    }
    this.outputSlots = fg.outputs.map(slot);
    this.lastUse = new Array<number>(this.slotOf.size).fill(-1);
    this.steps.forEach((st, k) => st.inputSlots.forEach((s) => (this.lastUse[s] = k)));
    for (const s of [...this.outputSlots, ...this.leafSlots]) this.lastUse[s] = Infinity;
    if (updateTargets) this.planUpdatesInPlace(fg, updateTargets);
    this.checkStaticMemory();
    this.timings = profile ? this.steps.map(() => ({ calls: 0, totalMs: 0 })) : undefined;
    debugLog(DebugLevel.summary, () => `cpu reference backend: ${this.steps.length} kernels`);
    debugLog(
      DebugLevel.kernels,
      () =>
        `kernels: ${this.kernels()
          .map((k) => k.name)
          .join(', ')}`,
    );
    debugLog(DebugLevel.source, () =>
      this.kernels()
        .map((k) => `// ${k.name}\n${k.source}`)
        .join('\n\n'),
    );
  }

  /** At compile time: the buffers of every intermediate whose shape is known already must fit the limit. */
  private checkStaticMemory(): void {
    for (const { node } of this.steps) {
      node.outputs.forEach((v, j) => {
        if (v.type.shape.some((d) => d === null)) return;
        this.account('static', node, j, v.dtype, v.type.shape as number[]);
      });
    }
    this.bytesBySignature.delete('static');
  }

  /**
   * An update's kernel may write into the shared variable's own storage when it can overwrite that input
   * (same position read before written), every other reader of the variable runs before it, and the variable
   * is no output of its own (which must show the old value).
   */
  private planUpdatesInPlace(fg: FunctionGraph, updateTargets: ReadonlyMap<Variable, Variable>): void {
    const outputs = new Set(fg.outputs);
    this.steps.forEach((step, k) => {
      const target = updateTargets.get(step.node.outputs[0]!);
      if (!target || step.node.outputs.length !== 1 || outputs.has(target)) return;
      const slot = this.slotOf.get(target);
      if (slot === undefined || !overwritable(step.node).some((j) => step.node.inputs[j] === target)) return;
      const readers = this.steps.flatMap((st, i) => (st.inputSlots.includes(slot) ? [i] : []));
      if (readers.every((i) => i <= k)) step.overwrites = slot;
    });
  }

  /** A buffer for an output of this shape: float32 ones in the heap, matrices with room for 3 rows more (GEMM tiles). */
  private alloc(dtype: DType, shape: readonly number[]): TypedArray {
    const n = sizeOf(shape);
    if (dtype !== 'float32' || !this.heap || n === 0) return allocArray(dtype, n);
    return this.heap.alloc(n, shape.length === 2 ? 3 * shape[1]! : 0);
  }

  /** Per leaf, the heap buffer an input's values were last copied into. */
  private readonly inputCopies: (NDArray | undefined)[] = [];

  /**
   * Float32 leaves into the heap, so that kernels read them in place: a shared variable's storage moves there (once;
   * again after a setValue), an input is copied into a buffer kept for it (one copy instead of one per kernel).
   */
  private moveIntoHeap(heap: WasmHeap, leafValues: NDArray[]): void {
    for (let i = 0; i < leafValues.length; i++) {
      const v = leafValues[i]!;
      if (v.dtype !== 'float32' || v.size === 0 || heap.addressOf(v.data) !== undefined) continue;
      const leaf = this.leaves[i]!;
      let copy = leaf instanceof SharedVariable ? undefined : this.inputCopies[i];
      if (!copy || !sameShape(copy.shape, v.shape)) copy = new NDArray('float32', v.shape.slice(), heap.alloc(v.size));
      copy.data.set(v.data);
      if (leaf instanceof SharedVariable) leaf.setStorage(copy);
      else this.inputCopies[i] = copy;
      leafValues[i] = copy;
    }
  }

  run(leafValue: (v: Variable) => NDArray): NDArray[] {
    const leafValues = this.leaves.map(leafValue);
    if (this.heap) this.moveIntoHeap(this.heap, leafValues);
    // Most calls repeat the last call's shapes: compare numbers before building the signature's key.
    const last = this.lastSignature;
    const repeat = last !== undefined && leafValues.every((a, i) => sameShape(a.shape, last.shapes[i]!));
    const key = repeat ? last.key : leafValues.map((a) => a.shape.join('x')).join('|');
    let values = this.buffersByShape.get(key);
    if (!repeat) this.lastSignature = { key, shapes: leafValues.map((a) => a.shape.slice()) };
    // The first call of a signature plans its buffers; later calls find them in place.
    const plan = values || this.keepIntermediates ? undefined : new BufferPlan(this.lastUse);
    if (!values) this.buffersByShape.set(key, (values = new Array<NDArray | undefined>(this.slotOf.size)));
    for (let i = 0; i < this.leaves.length; i++) values[this.leafSlots[i]!] = leafValues[i];
    if (this.nanGuard) this.leaves.forEach((leaf, i) => checkLeafFinite(leaf, leafValues[i]!));
    this.lastValues = values;
    const timings = this.timings;
    // After a signature's first call its buffers are planned: the generated driver runs the schedule.
    if (!plan && !timings && !this.nanGuard) return (this.driver ??= this.makeDriver()).run(values);
    for (let k = 0; k < this.steps.length; k++) {
      const step = this.steps[k]!;
      const t0 = timings ? performance.now() : 0;
      const inputs = step.inputSlots.map((s) => values![s]!);
      const shapes = step.node.op.outputShapes(inputs, step.node);
      const outputs = step.outputSlots.map((s, j) => {
        const shape = shapes[j]!;
        // The shared variable's current storage (setValue may have replaced it since the last call).
        const own = step.overwrites === undefined ? undefined : values![step.overwrites]!;
        if (own && own.dtype === step.node.outputs[j]!.dtype && sameShape(own.shape, shape)) return own;
        const prev = values![s];
        if (prev && sameShape(prev.shape, shape) && step.overwrites === undefined) return prev;
        const dtype = step.node.outputs[j]!.dtype;
        const reused = plan?.take(step, k, dtype, shape, inputs);
        if (reused) return reused;
        this.account(key, step.node, j, dtype, shape);
        return new NDArray(dtype, shape, this.alloc(dtype, shape));
      });
      try {
        step.perform(inputs, outputs, step.node);
      } catch (e) {
        throw kernelFailure(e, step.node, inputs);
      }
      if (this.nanGuard) checkFinite(step.node, inputs, outputs);
      step.outputSlots.forEach((s, j) => (values![s] = outputs[j]));
      plan?.release(step, k, values);
      if (timings) {
        timings[k]!.calls++;
        timings[k]!.totalMs += performance.now() - t0;
      }
    }
    return this.outputSlots.map((s) => values![s]!);
  }

  private driver: { run: Driver; source: string } | undefined;
  private lastSignature: { key: string; shapes: number[][] } | undefined;

  private makeDriver(): { run: Driver; source: string } {
    let current: readonly (NDArray | undefined)[] = [];
    const fresh = (k: number, j: number, shape: readonly number[]) => {
      const node = this.steps[k]!.node;
      const dtype = node.outputs[j]!.dtype;
      this.account(this.signatureOf(current), node, j, dtype, shape);
      return new NDArray(dtype, shape.slice(), this.alloc(dtype, shape));
    };
    const fail = (e: unknown, k: number, inputs: readonly NDArray[]) => kernelFailure(e, this.steps[k]!.node, inputs);
    const built = buildDriver(this.steps, this.outputSlots, fresh, fail);
    debugLog(DebugLevel.source, () => `driver:\n${built.source}`);
    return {
      source: built.source,
      run: (values) => {
        current = values;
        return built.run(values);
      },
    };
  }

  private signatureOf(values: readonly (NDArray | undefined)[]): string {
    for (const [key, vals] of this.buffersByShape) if (vals === values) return key;
    return '';
  }

  valueOf(v: Variable): NDArray | undefined {
    const slot = this.slotOf.get(v);
    return slot === undefined ? undefined : this.lastValues?.[slot];
  }

  /** The generated driver's source (built at the second call of a shape signature). */
  driverSource(): string | undefined {
    return this.driver?.source;
  }

  /** Counts a new buffer against the memory limit of its shape signature, before it is allocated. */
  private account(signature: string, node: Apply, j: number, dtype: NDArray['dtype'], shape: readonly number[]): void {
    const bytes = sizeOf(shape) * bytesPer(dtype);
    const total = (this.bytesBySignature.get(signature) ?? 0) + bytes;
    this.bytesBySignature.set(signature, total);
    if (total > this.memoryLimitBytes) {
      throw new CompileError(
        `${node.op.toString()}: the function's buffers would need ${mib(total)} MiB for these input shapes, over the memory limit of ${mib(this.memoryLimitBytes)} MiB, when it allocates ${node.outputs[j]!.describeWithShape(shape)} (${mib(bytes)} MiB).${node.outputs[j]!.createdAt()} Use smaller inputs, or raise theano.config.memoryLimit (TSANO_FLAGS=memoryLimit=MiB)`,
      );
    }
  }

  /** Distinct data buffers of intermediates per signature (fewer than intermediates when buffers are reused). */
  bufferCounts(): number[] {
    const leafSet = new Set(this.leafSlots);
    return [...this.buffersByShape.values()].map((vals) => new Set(vals.filter((v, s) => v && !leafSet.has(s)).map((v) => v!.data.buffer)).size);
  }

  profile(): KernelProfile[] | undefined {
    return this.timings?.map((t, k) => ({ name: this.steps[k]!.node.op.toString(), ...t }));
  }

  /** How many shape signatures have their own buffers. */
  get specializations(): number {
    return this.buffersByShape.size;
  }

  kernels(): KernelInfo[] {
    const leafOf = (slot: number) => this.leaves[this.leafSlots.indexOf(slot)]!;
    return this.steps.map(({ node, overwrites, wasm, perform }) => ({
      name: node.op.toString(),
      backend: wasm ? 'cpu-wasm' : 'cpu',
      ops: node.op.userOps?.(node) ?? [node.op.toString()],
      // Generated kernels show the source that runs; other ops run their reference implementation.
      source: wasm ? (perform.source ?? wasmKernelSource()) : (node.op.kernelSource?.(node) ?? node.op.perform.toString()),
      ...(overwrites === undefined ? {} : { overwrites: leafOf(overwrites).name ?? '<unnamed shared>' }),
    }));
  }
}

/** Inputs whose buffer a node's output may take: each output element depends only on the same element. */
function overwritable(node: Apply): number[] {
  const op = node.op;
  if (op instanceof Elemwise || op instanceof FusedElementwise) return node.inputs.map((_, j) => j);
  // gemm reads Z[i, j] just before writing out[i, j]; A and B must be other buffers.
  if (op instanceof Gemm && op.params.accumulate && node.inputs[3] !== node.inputs[0] && node.inputs[4] !== node.inputs[0]) return [0];
  return [];
}

/**
 * Memory planning for the first call of a shape signature: an intermediate's buffer returns to a pool after its
 * last reader, and a later output of the same dtype and size takes it over; an elementwise kernel writes in place
 * over an input of its own shape that dies with it. Later calls repeat the same order, so the sharing stays safe.
 */
class BufferPlan {
  private readonly free = new Map<string, NDArray[]>();
  constructor(private readonly lastUse: readonly number[]) {}

  take(step: Step, k: number, dtype: NDArray['dtype'], shape: number[], inputs: readonly NDArray[]): NDArray | undefined {
    const elementwise = step.node.op instanceof Elemwise || step.node.op instanceof FusedElementwise;
    if (elementwise) {
      const j = step.inputSlots.findIndex(
        (s, i) =>
          this.lastUse[s] === k &&
          inputs[i]!.dtype === dtype &&
          sameShape(inputs[i]!.shape, shape) &&
          step.inputSlots.indexOf(s) === i &&
          step.inputSlots.filter((t) => t === s).length === 1,
      );
      if (j >= 0) {
        this.inPlace.add(step.inputSlots[j]!);
        return new NDArray(dtype, shape, inputs[j]!.data);
      }
    }
    const reuse = this.free.get(`${dtype}|${sizeOf(shape)}`)?.pop();
    return reuse ? new NDArray(dtype, shape, reuse.data) : undefined;
  }

  /** Slots whose buffer an in-place output took over: they must not go back to the pool. */
  private readonly inPlace = new Set<number>();

  release(step: Step, k: number, values: (NDArray | undefined)[]): void {
    for (const s of new Set(step.inputSlots)) {
      if (this.lastUse[s] !== k || this.inPlace.has(s)) continue;
      const v = values[s]!;
      const key = `${v.dtype}|${v.size}`;
      const list = this.free.get(key);
      if (list) list.push(v);
      else this.free.set(key, [v]);
    }
  }
}
