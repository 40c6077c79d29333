import type { FusedElementwise, FusedStep } from '../../../ops/elemwise/fused.js';
import { sizeOf } from '../../../util/shape.js';
import { oneStage, type GpuRenderer } from '../kernel-spec.js';
import { broadcastKernel } from './gpu-broadcast.js';
import { scalarStatements } from './gpu-scalar-source.js';

/**
 * The steps of a fused kernel as statements over the input values `${prefix}v0..` into `${prefix}t0..`; the last
 * step's value is the result. float32 steps are rounded (Math.fround: a no-op on devices that compute in float32, and what makes the
 * JS modes agree with the host's fused loop, which rounds every step).
 */
export function fusedStatements(steps: readonly FusedStep[], nInputs: number, prefix = ''): { body: string; result: string } {
  const ref = (k: number): string => (k < nInputs ? `${prefix}v${k}` : `${prefix}t${k - nInputs}`);
  const body = steps.map((s, i) => {
    const raw = `${prefix}t${i}_s`;
    const value = s.dtype === 'float32' ? `Math.fround(${raw})` : raw;
    return `${scalarStatements(s.op.scalar, s.args.map(ref), raw, s.dtype)} const ${prefix}t${i} = ${value};`;
  });
  return { body: body.join(' '), result: `${prefix}t${steps.length - 1}` };
}

/** Several elementwise ops in one kernel, over broadcast inputs. */
export const renderFused: GpuRenderer = (node, shapes) => {
  const op = node.op as FusedElementwise;
  const { body, result } = fusedStatements(op.steps, op.nInputs);
  const out = shapes.outputs[0]!;
  return oneStage(
    broadcastKernel(shapes.inputs, out, `${body} return ${result};`),
    node.inputs.map((_, k) => k),
    sizeOf(out),
    undefined,
    'fused',
  );
};
