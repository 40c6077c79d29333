import type { DeviceArray, GpuDevice } from './device.js';
import type { NDArray } from '../../ir/ndarray.js';
import type { GpuArg, GpuRendering } from './kernel-spec.js';

/**
 * Runs a node's stages on the device over its input arrays (a generator for `drive`); returns one array per
 * device output (outputs computed on the host have none) and deletes the stages nobody reads after. `hostInputs`:
 * the inputs' host values, for renderings that compute arguments on the host.
 */
export function* runRendering(
  device: GpuDevice,
  rendering: GpuRendering,
  inputs: readonly DeviceArray[],
  hostInputs?: readonly NDArray[],
): Generator<unknown, (DeviceArray | undefined)[], unknown> {
  const results: DeviceArray[] = [];
  const lastReader = rendering.stages.map(() => -1);
  rendering.stages.forEach((st, k) => st.args.forEach((a) => 'stage' in a && (lastReader[a.stage] = k)));
  const kept = new Set(rendering.outputs);
  for (const [k, stage] of rendering.stages.entries()) {
    const uploaded: DeviceArray[] = [];
    const argOf = function* (a: GpuArg): Generator<unknown, DeviceArray, unknown> {
      if ('input' in a) return inputs[a.input]!;
      if ('stage' in a) return results[a.stage]!;
      const arr = (yield device.upload(a.host(hostInputs!))) as DeviceArray;
      uploaded.push(arr);
      return arr;
    };
    const args: DeviceArray[] = [];
    for (const a of stage.args) args.push(yield* argOf(a));
    results.push((yield device.run(stage, args)) as DeviceArray);
    for (const arr of uploaded) device.delete(arr);
    stage.args.forEach((a) => {
      if ('stage' in a && lastReader[a.stage] === k && !kept.has(a.stage)) device.delete(results[a.stage]!);
    });
  }
  rendering.stages.forEach((_, k) => lastReader[k] === -1 && !kept.has(k) && device.delete(results[k]!));
  return rendering.outputs.map((k) => (k < 0 ? undefined : results[k]!));
}
