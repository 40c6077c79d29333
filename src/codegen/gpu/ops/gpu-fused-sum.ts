import type { FusedSum } from '../../../ops/elemwise/fused-sum.js';
import { broadcastRuntime } from '../../../util/shape.js';
import { unflattenIndex, type GpuRenderer } from '../kernel-spec.js';
import { broadcastIndex } from './gpu-broadcast.js';
import { fusedStatements } from './gpu-fused.js';
import { renderReduceLoop } from './gpu-reduce-loop.js';

/** The sum of a fused expression over the broadcast of its inputs, never storing the expression. */
export const renderFusedSum: GpuRenderer = (node, shapes) => {
  const op = node.op as FusedSum;
  const shape = broadcastRuntime(shapes.inputs);
  if (!Array.isArray(shape)) return undefined;
  const count = shape.reduce((p, d) => p * d, 1);
  const sizes = shapes.inputs.map((s) => s.reduce((p, d) => p * d, 1));
  const broadcasts = sizes.some((n) => n !== count && n !== 1);
  const load = (r: string, name: string): string => {
    const reads = shapes.inputs.map((s, k) => {
      const at = sizes[k] === count ? `${name}_i` : sizes[k] === 1 ? '0' : broadcastIndex(s, shape.length, `${name}_c`);
      return `const ${name}_v${k} = x${k}[${at}];`;
    });
    const { body, result } = fusedStatements(op.steps, op.nInputs, `${name}_`);
    const coords = broadcasts ? unflattenIndex(`${name}_i`, shape, `${name}_c`) : '';
    return `const ${name}_i = ${r}; ${coords} ${reads.join(' ')} ${body} const ${name} = ${result};`;
  };
  return renderReduceLoop(
    {
      outSize: 1,
      count,
      params: shapes.inputs.map((_, k) => `x${k}`).join(', '),
      prelude: '',
      load,
      init: (v) => `let acc = ${v};`,
      combine: (v) => `acc = acc + ${v};`,
      splittable: true,
      label: 'fusedSum',
    },
    shapes.inputs.length,
  );
};
