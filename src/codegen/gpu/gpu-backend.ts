import type { Backend, Executable, PrepareOptions } from '../backend.js';
import type { FunctionGraph } from '../../ir/fgraph.js';
import { BackendError } from '../../util/errors.js';
import { debugLog, DebugLevel } from '../../util/debug.js';
import { GpuDevice, type DeviceArray } from './device.js';
import { GpuExecutable } from './gpu-executable.js';

/** Runs compiled functions with gpu.js kernels on one device. */
export class GpuBackend implements Backend {
  readonly name: string;
  constructor(readonly device: GpuDevice) {
    this.name = `gpu:${device.mode}`;
  }
  prepare(fg: FunctionGraph, opts: PrepareOptions = {}): Executable {
    return new GpuExecutable(fg, this.device, opts);
  }
}

/** One device per gpu.js mode for the whole process: shared variables' device copies belong to a device. */
const devices = new Map<string, GpuDevice>();
const failures = new Map<string, string>();

/**
 * The GPU backend for a gpu.js mode, or undefined when that mode cannot start here (then the caller runs on the
 * CPU, after a warning that says why) — unless `force` (config.forceDevice), where that is an error.
 */
export function gpuBackend(mode: string, force: boolean): GpuBackend | undefined {
  const known = devices.get(mode);
  if (known) return new GpuBackend(known);
  const why = failures.get(mode) ?? probe(mode);
  if (why === undefined) return new GpuBackend(devices.get(mode)!);
  const msg = `device=gpu: gpu.js mode '${mode}' cannot run here (${why})`;
  if (force) throw new BackendError(`${msg}; forceDevice is set, so there is no CPU fallback`);
  if (!failures.has(mode)) console.warn(`[tsano] ${msg}; running on the CPU backend instead (set forceDevice to make this an error)`);
  failures.set(mode, why);
  return undefined;
}

/** Starts the mode and runs one kernel through it; returns why it failed, if it did. */
function probe(mode: string): string | undefined {
  try {
    const device = new GpuDevice(mode);
    if (device.sync) {
      const up = device.upload(Float32Array.of(3)) as DeviceArray;
      const back = device.download(up) as Float32Array;
      device.delete(up);
      if (back[0] !== 3) return `a probe kernel returned ${back[0]} instead of 3`;
    }
    devices.set(mode, device);
    debugLog(DebugLevel.summary, () => `gpu backend: gpu.js mode '${mode}' started as '${device.mode}'`);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}
