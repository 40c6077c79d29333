import type { Elemwise } from '../../../ops/elemwise/elemwise.js';
import { sizeOf } from '../../../util/shape.js';
import { oneStage, type GpuRenderer } from '../kernel-spec.js';
import { broadcastKernel } from './gpu-broadcast.js';
import { scalarStatements } from './gpu-scalar-source.js';

/** One elementwise op over broadcast inputs. */
export const renderElemwise: GpuRenderer = (node, shapes) => {
  const op = node.op as Elemwise;
  const out = shapes.outputs[0]!;
  const values = node.inputs.map((_, k) => `v${k}`);
  const body = `${scalarStatements(op.scalar, values, 'r', node.outputs[0]!.dtype)} return r;`;
  return oneStage(
    broadcastKernel(shapes.inputs, out, body),
    node.inputs.map((_, k) => k),
    sizeOf(out),
    undefined,
    op.toString(),
  );
};
