/**
 * Node side of the GPU op tests: which gpu.js modes to test (`TSANO_TEST_GPU_MODES`, comma-separated; `npm test`
 * uses cpu and webasm, `test:gl` headlessgl, `test:webgpu` webgpu) and one device per mode.
 */
import { GpuDevice } from '../../src/codegen/gpu/device.js';

export function gpuTestModes(): string[] {
  const env = process.env.TSANO_TEST_GPU_MODES;
  return env ? env.split(',').map((s) => s.trim()) : ['cpu', 'webasm'];
}

const devices = new Map<string, GpuDevice>();

export async function deviceFor(mode: string): Promise<GpuDevice> {
  let d = devices.get(mode);
  if (!d) {
    d = new GpuDevice(mode);
    await d.prepare();
    devices.set(mode, d);
  }
  return d;
}
