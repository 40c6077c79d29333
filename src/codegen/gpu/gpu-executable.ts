import type { Executable, KernelInfo, KernelProfile, PrepareOptions } from '../backend.js';
import type { FunctionGraph } from '../../ir/fgraph.js';
import { NDArray } from '../../ir/ndarray.js';
import { Constant, SharedVariable, type Apply, type Variable } from '../../ir/variable.js';
import { BackendError } from '../../util/errors.js';
import { kernelFailure } from '../cpu/guards.js';
import type { DeviceArray, GpuDevice } from './device.js';
import { drive } from './drive.js';
import { needsHostInputs, type GpuRendering } from './kernel-spec.js';
import { gpuRendererFor } from './renderers.js';
import { runRendering } from './run-rendering.js';
import { adoptUpdate, keepUploaded, residentCopy } from './resident.js';
import { asFloat32, fromDevice } from './transfer.js';
import { hostShapeView, ShapeNeedsValues } from './shape-view.js';

/** One value during a call: where it is (host, device or both) and whether the device array is ours to delete. */
interface Slot {
  shape: number[];
  host?: NDArray;
  device?: DeviceArray;
  /** The device array belongs to this call (not a shared variable's or a constant's resident copy). */
  owned: boolean;
}

interface Step {
  node: Apply;
  inputs: number[];
  outputs: number[];
  /** Renderings by input shapes; null: the node runs on the host for those shapes. */
  renderings: Map<string, GpuRendering | null>;
  /** The rendering of the last call (for f.kernels()). */
  last?: GpuRendering | null;
  calls: number;
  totalMs: number;
}

/**
 * Runs an optimised graph with gpu.js: every node with a GPU rendering runs on the device over device-resident
 * arrays; the rest (shape arithmetic on scalars, random draws, ops without a rendering) run on the host with their
 * inputs read back. Intermediates are deleted after their last reader; shared variables stay on the device.
 */
export class GpuExecutable implements Executable {
  readonly ownsUpdates = true;
  private readonly slotOf = new Map<Variable, number>();
  private readonly vars: Variable[] = [];
  private readonly steps: Step[] = [];
  private readonly outputSlots: number[];
  private readonly lastUse: number[];
  private readonly updates: Map<number, SharedVariable>;
  private readonly constants = new Map<Variable, DeviceArray>();
  private readonly profiling: boolean;

  constructor(
    fg: FunctionGraph,
    readonly device: GpuDevice,
    opts: PrepareOptions,
  ) {
    const slot = (v: Variable): number => {
      let s = this.slotOf.get(v);
      if (s === undefined) {
        s = this.vars.length;
        this.slotOf.set(v, s);
        this.vars.push(v);
      }
      return s;
    };
    for (const node of fg.toposort()) {
      this.steps.push({ node, inputs: node.inputs.map(slot), outputs: node.outputs.map(slot), renderings: new Map(), calls: 0, totalMs: 0 });
    }
    this.outputSlots = fg.outputs.map(slot);
    this.lastUse = new Array<number>(this.vars.length).fill(-1);
    this.steps.forEach((st, k) => st.inputs.forEach((s) => (this.lastUse[s] = k)));
    for (const s of this.outputSlots) this.lastUse[s] = Infinity;
    this.updates = new Map();
    for (const [out, shared] of opts.updateTargets ?? []) this.updates.set(fg.outputs.indexOf(out), shared as SharedVariable);
    this.profiling = opts.profile ?? false;
    constantsOfCollected.register(this, { device, arrays: this.constants });
  }

  run(leafValue: (v: Variable) => NDArray): NDArray[] {
    if (!this.device.sync) throw new BackendError(`gpu.js mode '${this.device.mode}' answers asynchronously: call the function with \`await f.run(...)\``);
    return drive(this.call(leafValue)) as NDArray[];
  }

  async runAsync(leafValue: (v: Variable) => NDArray): Promise<NDArray[]> {
    await this.device.prepare();
    return drive(this.call(leafValue));
  }

  private *call(leafValue: (v: Variable) => NDArray): Generator<unknown, NDArray[], unknown> {
    const slots: (Slot | undefined)[] = new Array(this.vars.length);
    const dev = this.device;
    const leaf = (s: number): Slot => {
      const v = this.vars[s]!;
      const shared = v instanceof SharedVariable ? residentCopy(v, dev) : undefined;
      if (shared) return { shape: shared.shape.slice(), device: shared.array, owned: false };
      const constant = v instanceof Constant ? this.constants.get(v) : undefined;
      if (constant) return { shape: (v as Constant).value.shape.slice(), device: constant, owned: false };
      const host = leafValue(v);
      return { shape: host.shape.slice(), host, owned: false };
    };
    const slotAt = (s: number): Slot => (slots[s] ??= leaf(s));
    const onDevice = function* (this: GpuExecutable, s: number): Generator<unknown, DeviceArray, unknown> {
      const sl = slotAt(s);
      if (sl.device) return sl.device;
      const arr = (yield dev.upload(asFloat32(sl.host!.data))) as DeviceArray;
      sl.device = arr;
      const v = this.vars[s]!;
      if (v instanceof SharedVariable) keepUploaded(v, dev, arr, sl.shape);
      else if (v instanceof Constant) this.constants.set(v, arr);
      else sl.owned = true;
      return arr;
    }.bind(this);
    const onHost = function* (this: GpuExecutable, s: number): Generator<unknown, NDArray, unknown> {
      const sl = slotAt(s);
      if (sl.host) return sl.host;
      const v = this.vars[s]!;
      // A shared variable's device copy: the variable reads it back itself (webgpu keeps its host copy current).
      if (v instanceof SharedVariable && !sl.owned) return (sl.host = v.value);
      sl.host = fromDevice((yield dev.download(sl.device!)) as Float32Array, v.dtype, sl.shape);
      return sl.host;
    }.bind(this);

    try {
      for (const [k, step] of this.steps.entries()) {
        const t0 = this.profiling ? performance.now() : 0;
        const inSlots = step.inputs.map(slotAt);
        const shapes = yield* this.outputShapes(step, inSlots, onHost);
        const rendering = this.renderingFor(step, inSlots, shapes);
        step.last = rendering;
        if (rendering) {
          const hosts: NDArray[] | undefined = needsHostInputs(rendering) ? [] : undefined;
          if (hosts) for (const s of step.inputs) hosts.push(yield* onHost(s));
          const args: DeviceArray[] = [];
          for (const [i, s] of step.inputs.entries())
            if (rendering.stages.some((st) => st.args.some((a) => 'input' in a && a.input === i))) args[i] = yield* onDevice(s);
          const outs = yield* runRendering(dev, rendering, args, hosts);
          step.outputs.forEach((s, j) => {
            const host = rendering.hostOutputs?.[j];
            slots[s] = host ? { shape: shapes[j]!, host: host(hosts!), owned: false } : { shape: shapes[j]!, device: outs[j]!, owned: true };
          });
        } else {
          const ins: NDArray[] = [];
          for (const s of step.inputs) ins.push(yield* onHost(s));
          const outs = step.node.outputs.map((v, j) => NDArray.zeros(v.dtype, shapes[j]!));
          try {
            step.node.op.perform(ins, outs, step.node);
          } catch (e) {
            throw kernelFailure(e, step.node, ins);
          }
          step.outputs.forEach((s, j) => (slots[s] = { shape: shapes[j]!, host: outs[j]!, owned: false }));
        }
        for (const s of step.inputs) if (this.lastUse[s] === k) release(slots[s]);
        if (this.profiling) {
          step.calls++;
          step.totalMs += performance.now() - t0;
        }
      }
      return yield* this.finish(slotAt, onHost);
    } finally {
      for (const sl of slots) release(sl);
    }

    function release(sl: Slot | undefined): void {
      if (sl?.owned && sl.device) dev.delete(sl.device);
      if (sl) sl.owned = false;
    }
  }

  /**
   * Reads the outputs back (results hold the outputs that are not updates); update values computed on the device
   * become the shared variables' device copies, the others are written to the host.
   */
  private *finish(slotAt: (s: number) => Slot, onHost: (s: number) => Generator<unknown, NDArray, unknown>): Generator<unknown, NDArray[], unknown> {
    const results: NDArray[] = [];
    const adopted: [SharedVariable, Slot, NDArray | undefined][] = [];
    const onHostUpdates: [SharedVariable, NDArray][] = [];
    for (const [j, s] of this.outputSlots.entries()) {
      const shared = this.updates.get(j);
      const sl = slotAt(s);
      if (!shared) results.push(yield* onHost(s));
      else if (sl.owned && sl.device) {
        // webgpu: the host copy is read now, as there is no synchronous read-back later.
        const host = this.device.sync ? undefined : fromDevice((yield this.device.download(sl.device)) as Float32Array, shared.dtype, sl.shape);
        adopted.push([shared, sl, host]);
        sl.owned = false;
      } else onHostUpdates.push([shared, yield* onHost(s)]);
    }
    // Updates are applied together, after every output has been read from the old values.
    for (const [shared, value] of onHostUpdates) shared.setStorage(value.copy());
    for (const [shared, sl, host] of adopted) adoptUpdate(shared, this.device, sl.device!, sl.shape, host);
    return results;
  }

  /** Output shapes; an op that reads values to know them (reshape, arange) gets device inputs read back first. */
  private *outputShapes(step: Step, inSlots: Slot[], onHost: (s: number) => Generator<unknown, NDArray, unknown>): Generator<unknown, number[][], unknown> {
    const views = inSlots.map((sl, i) => sl.host ?? hostShapeView(this.vars[step.inputs[i]!]!, sl.shape));
    try {
      return step.node.op.outputShapes(views, step.node);
    } catch (e) {
      if (!(e instanceof ShapeNeedsValues)) throw kernelFailure(e, step.node, views);
    }
    const hosts: NDArray[] = [];
    for (const s of step.inputs) hosts.push(yield* onHost(s));
    return step.node.op.outputShapes(hosts, step.node);
  }

  private renderingFor(step: Step, inSlots: Slot[], outShapes: number[][]): GpuRendering | null {
    const key = `${inSlots.map((s) => s.shape.join(',')).join(';')}|${outShapes.map((s) => s.join(',')).join(';')}`;
    let r = step.renderings.get(key);
    if (r === undefined) {
      r = runsOnDevice(step.node, inSlots, outShapes)
        ? (gpuRendererFor(step.node)?.(step.node, { inputs: inSlots.map((s) => s.shape), outputs: outShapes }) ?? null)
        : null;
      step.renderings.set(key, r);
    }
    return r;
  }

  /** Intermediates are not kept on this backend (DEBUG_MODE runs on the CPU). */
  valueOf(): NDArray | undefined {
    return undefined;
  }

  profile(): KernelProfile[] | undefined {
    return this.profiling ? this.steps.map((s) => ({ name: s.node.op.toString(), calls: s.calls, totalMs: s.totalMs })) : undefined;
  }

  kernels(): KernelInfo[] {
    return this.steps.flatMap(({ node, last }) => {
      const ops = node.op.userOps?.(node) ?? [node.op.toString()];
      if (!last) {
        const source = last === null ? (node.op.kernelSource?.(node) ?? node.op.perform.toString()) : '(not compiled yet: shapes are known at the first call)';
        return [{ name: node.op.toString(), backend: last === null ? 'host' : `gpu:${this.device.mode}`, ops, source }];
      }
      return last.stages.map((stage) => ({
        name: stageName(node.op.toString(), stage.label),
        backend: `gpu:${this.device.mode}`,
        ops,
        source: this.device.sourceOf(stage) ?? stage.source,
      }));
    });
  }
}

/** `softmax:rowMax` for a stage of a node of several; the op's own name for its only or final stage. */
function stageName(op: string, label: string | undefined): string {
  const part = label?.startsWith(`${op}:`) ? label.slice(op.length + 1) : label;
  return part && part !== op ? `${op}:${part}` : op;
}

/** A collected function's constants were uploaded once and are deleted with it (textures are not collected). */
const constantsOfCollected = new FinalizationRegistry<{ device: GpuDevice; arrays: Map<Variable, DeviceArray> }>(({ device, arrays }) => {
  for (const a of arrays.values()) device.delete(a);
});

/**
 * Whether a node belongs on the device: float64 stays on the host (GPU kernels are float32); so do empty arrays and
 * nodes that read only scalars (shape arithmetic: a kernel launch costs more, and the host needs the values).
 */
function runsOnDevice(node: Apply, inSlots: Slot[], outShapes: number[][]): boolean {
  if ([...node.inputs, ...node.outputs].some((v) => v.dtype === 'float64')) return false;
  if (inSlots.length > 0 && inSlots.every((s) => s.shape.length === 0 && !s.device)) return false;
  const empty = (shape: readonly number[]) => shape.some((d) => d === 0);
  return !inSlots.some((s) => empty(s.shape)) && !outShapes.some(empty);
}
