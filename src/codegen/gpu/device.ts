import gpujs from 'gpu.js';
import { BackendError } from '../../util/errors.js';
import type { GpuStage } from './kernel-spec.js';

/** A value that is there now on the synchronous modes and later (a Promise) on webgpu. */
export type MaybePromise<T> = T | Promise<T>;

/** A flat float32 array on the device: a texture (GL modes), a buffer handle (webgpu), a typed array (cpu, webasm). */
export interface DeviceArray {
  readonly size: number;
  /** gpu.js's own object, passed to kernels as an argument. */
  readonly handle: unknown;
}

type GpuJsKernel = ((...args: unknown[]) => unknown) & {
  kernel?: { compiledFragmentShader?: string; compiledSource?: string; constructor: { name: string } };
  toString?: (...args: unknown[]) => string;
};
interface GpuJsInstance {
  mode: string;
  createKernel(source: string, settings: Record<string, unknown>): GpuJsKernel;
  destroy(): unknown;
}
const { GPU } = gpujs as unknown as { GPU: (new (settings: { mode: string }) => GpuJsInstance) & { isWebGPUAvailable?: () => Promise<boolean> } };

/** gpu.js modes whose kernels answer with Promises: a compiled function there runs only through `await f.run()`. */
export function isAsyncMode(mode: string): boolean {
  return mode === 'webgpu';
}

/**
 * One gpu.js instance in one mode, with the kernels compiled for it (cached by source and size), and counts of the
 * arrays it holds, so that leaks show (`liveArrays` stays flat over calls when dead intermediates are deleted).
 */
export class GpuDevice {
  readonly mode: string;
  private instance: GpuJsInstance | undefined;
  private readonly kernels = new Map<string, GpuJsKernel>();
  private live = 0;
  /** Whether calls answer synchronously (every mode but webgpu). */
  readonly sync: boolean;

  /** webgpu starts only after `await prepare()` (Node needs navigator.gpu set up first); other modes start here. */
  constructor(mode: string) {
    this.sync = !isAsyncMode(mode);
    if (this.sync) this.instance = startGpuJs(mode);
    this.mode = mode === 'gpu' ? resolvedMode(this.gpu) : mode;
  }

  /** Makes the device ready: for webgpu, finds an adapter (in Node through the `webgpu` package). */
  async prepare(): Promise<void> {
    if (this.instance) return;
    if (!(await prepareWebGpu()))
      throw new BackendError(
        `gpu backend: gpu.js mode 'webgpu' found no WebGPU adapter (in Node: install the 'webgpu' package and, without a GPU, point VK_ICD_FILENAMES at a Vulkan driver such as Chromium's SwiftShader)`,
      );
    this.instance = startGpuJs(this.mode);
  }

  private get gpu(): GpuJsInstance {
    if (!this.instance) throw new BackendError(`gpu backend: mode '${this.mode}' is not ready: await its preparation first (f.run does)`);
    return this.instance;
  }

  /** How many device arrays are allocated and not yet deleted. */
  get liveArrays(): number {
    return this.live;
  }

  private kernelFor(key: string, source: string, size: number, loopMaxIterations?: number): GpuJsKernel {
    let k = this.kernels.get(key);
    if (!k) {
      k = this.gpu.createKernel(source, {
        output: [size],
        precision: 'single',
        pipeline: true,
        immutable: true,
        tactic: 'precision',
        ...(loopMaxIterations !== undefined ? { loopMaxIterations } : {}),
      });
      this.kernels.set(key, k);
    }
    return k;
  }

  private wrap(handle: unknown, size: number): DeviceArray {
    this.live++;
    return { handle, size };
  }

  /** Copies host values to the device. */
  upload(values: Float32Array): MaybePromise<DeviceArray> {
    const k = this.kernelFor(`upload:${values.length}`, 'function (a) { return a[this.thread.x]; }', values.length);
    return andThen(k(values), (h) => this.wrap(h, values.length));
  }

  /** Runs one stage over device arguments; the result is a new device array. */
  run(stage: GpuStage, args: readonly DeviceArray[]): MaybePromise<DeviceArray> {
    const k = this.kernelFor(stageKey(stage), stage.source, stage.size, stage.loopMaxIterations);
    let result: unknown;
    try {
      result = k(...args.map((a) => a.handle));
    } catch (e) {
      throw new BackendError(`gpu backend (${this.mode}): kernel ${stage.label ?? ''} failed: ${(e as Error).message}\n${stage.source}`);
    }
    return andThen(result, (h) => this.wrap(h, stage.size));
  }

  /** Copies a device array back to the host. */
  download(a: DeviceArray): MaybePromise<Float32Array> {
    const h = a.handle as { toArray?: () => MaybePromise<ArrayLike<number>> };
    const values = h instanceof Float32Array ? h : typeof h.toArray === 'function' ? h.toArray() : (h as ArrayLike<number>);
    return andThen(values, (v: ArrayLike<number>) => (v instanceof Float32Array ? v : Float32Array.from(v)));
  }

  /** Frees a device array (textures and buffers are not collected by the garbage collector). */
  delete(a: DeviceArray): void {
    const h = a.handle as { delete?: () => void };
    if (h && typeof h.delete === 'function' && !ArrayBuffer.isView(h)) h.delete();
    this.live--;
  }

  /** The source the device really runs for a stage: GLSL (GL modes), WGSL (webgpu), the JS kernel (cpu). */
  sourceOf(stage: GpuStage): string | undefined {
    const k = this.kernels.get(stageKey(stage));
    if (!k) return undefined;
    const inner = k.kernel;
    if (inner?.compiledFragmentShader) return inner.compiledFragmentShader;
    if (inner?.compiledSource) return inner.compiledSource;
    return (inner as { _kernelString?: string } | undefined)?._kernelString ?? stage.source;
  }

  destroy(): void {
    this.instance?.destroy();
    this.kernels.clear();
  }
}

function stageKey(stage: GpuStage): string {
  return `${stage.size}|${stage.loopMaxIterations ?? ''}|${stage.source}`;
}

/** Applies `f` now or when the value arrives. */
export function andThen<T, U>(v: MaybePromise<T> | unknown, f: (x: T) => U): MaybePromise<U> {
  return v instanceof Promise ? v.then(f) : f(v as T);
}

function startGpuJs(mode: string): GpuJsInstance {
  try {
    return new GPU({ mode });
  } catch (e) {
    throw new BackendError(`gpu backend: gpu.js cannot start mode '${mode}': ${(e as Error).message}`);
  }
}

const KERNEL_MODES: Record<string, string> = {
  HeadlessGLKernel: 'headlessgl',
  WebGL2Kernel: 'webgl2',
  WebGLKernel: 'webgl',
  WebAssemblyKernel: 'webasm',
  CPUKernel: 'cpu',
  WebGPUKernel: 'webgpu',
};

/** gpu.js's choice in its automatic mode: the kernel class a probe kernel got. */
function resolvedMode(gpu: GpuJsInstance): string {
  const probe = gpu.createKernel('function () { return 1; }', { output: [1] });
  probe();
  return KERNEL_MODES[probe.kernel?.constructor.name ?? ''] ?? gpu.mode;
}

/**
 * In Node, gpu.js's webgpu mode needs `navigator.gpu`: this sets it up from the `webgpu` package (Dawn) when it is
 * installed and nothing has provided one. Returns whether an adapter answered.
 */
/** A variable, so that bundlers for the browser (where navigator.gpu exists) leave Dawn's Node package out. */
const WEBGPU_PACKAGE = 'webgpu';

export async function prepareWebGpu(): Promise<boolean> {
  const g = globalThis as { navigator?: { gpu?: unknown } };
  if (!g.navigator?.gpu) {
    try {
      const webgpu = (await import(/* @vite-ignore */ WEBGPU_PACKAGE)) as { create: (o: string[]) => unknown; globals: object };
      Object.assign(globalThis, webgpu.globals);
      Object.defineProperty(globalThis, 'navigator', { value: { ...(g.navigator ?? {}), gpu: webgpu.create([]) }, configurable: true, writable: true });
    } catch {
      return false;
    }
  }
  return (await GPU.isWebGPUAvailable?.()) ?? false;
}
