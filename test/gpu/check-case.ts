/**
 * Runs one GPU case on a device and compares with the CPU reference. No vitest here: the browser tier runs this file
 * inside Chromium and reports each case's message back.
 */
import type { GpuDevice } from '../../src/codegen/gpu/device.js';
import { drive } from '../../src/codegen/gpu/drive.js';
import { runRendering } from '../../src/codegen/gpu/run-rendering.js';
import { gpuRendererFor } from '../../src/codegen/gpu/renderers.js';
import { asFloat32, fromDevice } from '../../src/codegen/gpu/transfer.js';
import { NDArray } from '../../src/ir/ndarray.js';
import type { Apply } from '../../src/ir/variable.js';
import type { GpuCase } from './cases/types.js';

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
  const results = await drive(runRendering(device, rendering, uploaded, inputs));
  const outs: NDArray[] = [];
  for (const [j, r] of results.entries()) {
    const host = rendering.hostOutputs?.[j];
    outs.push(host ? host(inputs) : fromDevice(await device.download(r!), node.outputs[j]!.dtype, outShapes[j]!));
  }
  for (const a of [...uploaded, ...results]) if (a) device.delete(a);
  return outs;
}

/** Where `got` differs from `expected` beyond atol + rtol·|expected| (NaN matches NaN, infinities exactly). */
export function firstMismatch(got: NDArray, expected: NDArray, rtol: number, atol: number): string | undefined {
  if (got.shape.join() !== expected.shape.join()) return `shape (${got.shape.join(',')}), expected (${expected.shape.join(',')})`;
  for (let i = 0; i < expected.size; i++) {
    const a = got.data[i]!;
    const e = expected.data[i]!;
    const ok = Number.isNaN(e) ? Number.isNaN(a) : !Number.isFinite(e) ? a === e : Math.abs(a - e) <= atol + rtol * Math.abs(e);
    if (!ok) return `element ${i} is ${a}, expected ${e} (rtol ${rtol}, atol ${atol})`;
  }
  return undefined;
}

/** Undefined when the case passes on the device; else what went wrong. */
export async function checkCase(device: GpuDevice, c: GpuCase): Promise<string | undefined> {
  try {
    const { node, inputs } = c.build();
    const expected = performOnHost(node, inputs);
    const got = await performOnGpu(device, node, inputs);
    for (const [j, g] of got.entries()) {
      const m = firstMismatch(g, expected[j]!, c.rtol ?? 1e-5, c.atol ?? 1e-6);
      if (m) return `${node.op.toString()} output ${j} on ${device.mode}: ${m}`;
    }
    return undefined;
  } catch (e) {
    return `${(e as Error).name}: ${(e as Error).message}`;
  }
}

/** Modes where NaN and infinities are IEEE-exact (GLSL leaves them to the driver). */
export function exactSpecialsOn(mode: string): boolean {
  return mode === 'cpu' || mode === 'webasm' || mode === 'webgpu';
}
