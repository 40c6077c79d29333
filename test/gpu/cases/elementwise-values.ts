/** Values and nodes for the elementwise GPU cases. */
import * as theano from '../../../src/index.js';
import type { DType } from '../../../src/ir/dtype.js';
import { NDArray } from '../../../src/ir/ndarray.js';
import { Constant, type Apply, type Variable } from '../../../src/ir/variable.js';
import { performOnHost } from '../check-case.js';

/** Deterministic pseudo-random values in [lo, hi) (integers for integer dtypes: floor). */
export function rand(shape: number[], lo = -1, hi = 1, dtype: DType = 'float32', seed = 1): NDArray {
  let s = seed * 7919 + shape.reduce((p, d) => p * 31 + d, 17);
  const n = shape.reduce((p, d) => p * d, 1);
  const data = Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    const u = lo + (hi - lo) * (s / 2147483648);
    return dtype === 'float32' || dtype === 'float64' ? u : Math.floor(u);
  });
  return theano.ndarray(data, shape, dtype);
}

/** Given values, as an array of `dtype`. */
export function values(data: number[], shape: number[] = [data.length], dtype: DType = 'float32'): NDArray {
  return theano.ndarray(data, shape, dtype);
}

/** The node that computes `v`. */
export function nodeOf(v: Variable): Apply {
  if (!v.owner) throw new Error(`${v.describe()} has no node`);
  return v.owner;
}

/**
 * Compiles `out` of `inputs` (so the optimizer fuses it), takes the first node whose op is named `opName`, and
 * gives that node's input values: constants, function inputs, or the host's results for intermediate nodes.
 */
export function compiledNode(inputs: Variable[], given: NDArray[], out: Variable, opName: string): { node: Apply; inputs: NDArray[] } {
  const f = theano.function(inputs, out);
  const node = f.fgraph.toposort().find((n) => n.op.name === opName);
  if (!node)
    throw new Error(
      `no ${opName} node in ${f.fgraph
        .toposort()
        .map((n) => n.op.toString())
        .join(', ')}`,
    );
  const known = new Map<Variable, NDArray>(f.fgraph.inputs.map((v, k) => [v, given[k]!]));
  const valueOf = (v: Variable): NDArray => {
    if (v instanceof Constant) return v.value;
    let a = known.get(v);
    if (!a) {
      const owner = nodeOf(v);
      a = performOnHost(owner, owner.inputs.map(valueOf))[v.index]!;
      known.set(v, a);
    }
    return a;
  };
  return { node, inputs: node.inputs.map(valueOf) };
}

export { NDArray };
