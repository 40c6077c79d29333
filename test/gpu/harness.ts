/**
 * Runs single nodes on gpu.js and compares with the node's CPU reference implementation (`op.perform`).
 * Which gpu.js modes: `TSANO_TEST_GPU_MODES` (comma-separated); `npm test` uses cpu and webasm, `test:gl` headlessgl,
 * `test:webgpu` webgpu.
 */
import { expect } from 'vitest';
import * as theano from '../../src/index.js';
import { GpuDevice, prepareWebGpu } from '../../src/codegen/gpu/device.js';
import { drive } from '../../src/codegen/gpu/drive.js';
import { runRendering } from '../../src/codegen/gpu/run-rendering.js';
import { gpuRendererFor } from '../../src/codegen/gpu/renderers.js';
import { asFloat32, fromDevice } from '../../src/codegen/gpu/transfer.js';
import { NDArray } from '../../src/ir/ndarray.js';
import type { Apply, Variable } from '../../src/ir/variable.js';
import { expectClose } from '../helpers/check.js';

export function gpuTestModes(): string[] {
  const env = process.env.TSANO_TEST_GPU_MODES;
  return env ? env.split(',').map((s) => s.trim()) : ['cpu', 'webasm'];
}

const devices = new Map<string, GpuDevice>();

export async function deviceFor(mode: string): Promise<GpuDevice> {
  let d = devices.get(mode);
  if (!d) {
    if (mode === 'webgpu' && !(await prepareWebGpu())) throw new Error('webgpu: no adapter (install webgpu and point VK_ICD_FILENAMES at SwiftShader)');
    d = new GpuDevice(mode);
    devices.set(mode, d);
  }
  return d;
}

/** The reference outputs of a node, by its op's own `perform`. */
export function performOnHost(node: Apply, inputs: NDArray[]): NDArray[] {
  const shapes = node.op.outputShapes(inputs, node);
  const outs = node.outputs.map((v, j) => NDArray.zeros(v.dtype, shapes[j]!));
  node.op.perform(inputs, outs, node);
  return outs;
}

/** Runs a node's GPU rendering on a device; throws if the node has none. */
export async function performOnGpu(device: GpuDevice, node: Apply, inputs: NDArray[]): Promise<NDArray[]> {
  const render = gpuRendererFor(node);
  if (!render) throw new Error(`no GPU renderer for ${node.op.toString()}`);
  const outShapes = node.op.outputShapes(inputs, node);
  const rendering = render(node, { inputs: inputs.map((a) => a.shape), outputs: outShapes });
  if (!rendering) throw new Error(`the GPU renderer of ${node.op.toString()} declined shapes ${JSON.stringify(inputs.map((a) => a.shape))}`);
  const uploaded = [];
  for (const a of inputs) uploaded.push(await device.upload(asFloat32(a.data)));
  const results = await drive(runRendering(device, rendering, uploaded));
  const outs: NDArray[] = [];
  for (const [j, r] of results.entries()) outs.push(fromDevice(await device.download(r), node.outputs[j]!.dtype, outShapes[j]!));
  for (const a of [...uploaded, ...results]) device.delete(a);
  return outs;
}

export interface GpuCheckOptions {
  rtol?: number;
  atol?: number;
}

/** Every output of the node on each test mode equals the CPU reference within float32 tolerances. */
export async function checkNodeOnGpu(node: Apply, inputs: NDArray[], opts: GpuCheckOptions = {}): Promise<void> {
  const expected = performOnHost(node, inputs);
  for (const mode of gpuTestModes()) {
    const device = await deviceFor(mode);
    const got = await performOnGpu(device, node, inputs);
    got.forEach((g, j) => {
      expect(g.shape).toEqual(expected[j]!.shape);
      const e = expected[j]!;
      expectClose(
        g,
        { shape: e.shape, data: Float64Array.from(e.data) },
        { rtol: opts.rtol ?? 1e-5, atol: opts.atol ?? 1e-6, what: `${node.op.toString()} output ${j} on ${mode}` },
      );
    });
  }
}

/** The nodes of a compiled function's optimised graph (fused kernels, gemm …), to test renderers on what really runs. */
export function optimizedNodes(inputs: Variable[], outputs: Variable[], mode: 'FAST_RUN' | 'FAST_COMPILE' = 'FAST_RUN'): Apply[] {
  const f = theano.function(inputs, outputs, { mode, onUnusedInput: 'ignore' });
  return f.fgraph.toposort();
}
