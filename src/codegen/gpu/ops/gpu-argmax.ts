import type { Argmax } from '../../../ops/argmax.js';
import type { GpuRenderer } from '../kernel-spec.js';
import { axisReduction } from './gpu-axis-reduction.js';
import { renderReduceLoop } from './gpu-reduce-loop.js';
import { isNaNExpr } from './gpu-scalar-source.js';

/** Index of the maximum in row-major order of the reduced axes: the first on ties, the first NaN if any. */
export const renderArgmax: GpuRenderer = (node, shapes) => {
  const op = node.op as Argmax;
  const loads = axisReduction(shapes.inputs[0]!, op.axes);
  return renderReduceLoop(
    {
      ...loads,
      init: (v, r) => `let best = ${v}; let acc = ${r};`,
      combine: (v, r) => `if (${v} > best || (${isNaNExpr(v)} && !${isNaNExpr('best')})) { best = ${v}; acc = ${r}; }`,
      splittable: false,
      label: op.toString(),
    },
    1,
  );
};
