import { sizeOf } from '../../../util/shape.js';
import { oneStage, type GpuRenderer } from '../kernel-spec.js';

/** Row-major order is unchanged by a reshape: a copy of x (the size entries are not read). */
export const renderReshape: GpuRenderer = (node, shapes) =>
  oneStage('function (x) { return x[this.thread.x]; }', [0], sizeOf(shapes.outputs[0]!), undefined, node.op.toString());
