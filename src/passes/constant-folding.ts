import { constant } from '../ir/constant.js';
import { allocArray } from '../ir/dtype.js';
import { NDArray } from '../ir/ndarray.js';
import { Constant, type Apply, type Variable } from '../ir/variable.js';
import { sizeOf } from '../util/shape.js';
import type { Rule } from './rewrite.js';

/** Larger results stay computed at run time rather than stored in the graph. */
const MAX_FOLDED_SIZE = 1 << 16;

/** Constant folding: `op(constants…) -> constant` (not random draws, whose point is to change). */
export const foldConstants: Rule = {
  name: 'foldConstants',
  doc: 'op(c1, c2, …) -> the constant it computes',
  tags: ['constantFolding'],
  tracks: ['*'],
  rewrite(node: Apply): readonly Variable[] | null {
    if (node.op.name.startsWith('random_') || !node.inputs.every((v) => v instanceof Constant)) return null;
    const values = node.inputs.map((v) => (v as Constant).value);
    const shapes = node.op.outputShapes(values, node);
    if (shapes.some((s) => sizeOf(s) > MAX_FOLDED_SIZE)) return null;
    const outs = shapes.map((s, k) => new NDArray(node.outputs[k]!.dtype, s, allocArray(node.outputs[k]!.dtype, sizeOf(s))));
    node.op.perform(values, outs, node);
    return outs.map((o, k) => {
      const c = constant(o);
      // Keep the static shape the graph relied on (a constant's is exact, which is compatible).
      if (!node.outputs[k]!.type.isCompatible(c.type)) return node.outputs[k]!;
      return c;
    });
  },
};
