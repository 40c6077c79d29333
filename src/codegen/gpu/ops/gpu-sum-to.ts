import type { GpuRenderer } from '../kernel-spec.js';
import { axisReduction } from './gpu-axis-reduction.js';
import { renderReduceLoop } from './gpu-reduce-loop.js';

/**
 * sumTo and sumToShape: g summed over the axes where the target shape has size 1 and g does not; the target keeps
 * those axes with size 1, so the output's flat order is that of the kept axes. Only g (input 0) is read.
 */
export const renderSumTo: GpuRenderer = (node, shapes) => {
  const g = shapes.inputs[0]!;
  const target = shapes.outputs[0]!;
  const axes = g.flatMap((d, a) => (target[a] === 1 && d !== 1 ? [a] : []));
  return renderReduceLoop(
    {
      ...axisReduction(g, axes),
      init: (v) => `let acc = ${v};`,
      combine: (v) => `acc = acc + ${v};`,
      splittable: true,
      label: node.op.toString(),
    },
    1,
  );
};
