import type { DeviceArray, GpuDevice } from './device.js';
import type { GpuRendering } from './kernel-spec.js';

/**
 * Runs a node's stages on the device over its input arrays (a generator for `drive`); returns one array per node
 * output and deletes the stages nobody reads after.
 */
export function* runRendering(device: GpuDevice, rendering: GpuRendering, inputs: readonly DeviceArray[]): Generator<unknown, DeviceArray[], unknown> {
  const results: DeviceArray[] = [];
  const lastReader = rendering.stages.map(() => -1);
  rendering.stages.forEach((st, k) => st.args.forEach((a) => 'stage' in a && (lastReader[a.stage] = k)));
  const kept = new Set(rendering.outputs);
  for (const [k, stage] of rendering.stages.entries()) {
    const args = stage.args.map((a) => ('input' in a ? inputs[a.input]! : results[a.stage]!));
    results.push((yield device.run(stage, args)) as DeviceArray);
    stage.args.forEach((a) => {
      if ('stage' in a && lastReader[a.stage] === k && !kept.has(a.stage)) device.delete(results[a.stage]!);
    });
  }
  rendering.stages.forEach((_, k) => lastReader[k] === -1 && !kept.has(k) && device.delete(results[k]!));
  return rendering.outputs.map((k) => results[k]!);
}
