/** Inputs and nodes for the nnet GPU cases: deterministic values, nodes picked from compiled graphs. */
import * as theano from '../../../src/index.js';
import { NDArray } from '../../../src/ir/ndarray.js';
import { Constant, type Apply, type Variable } from '../../../src/ir/variable.js';

const sizeOf = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** float32 values uniform in [lo, hi), from a per-case seed (cases do not depend on one another's order). */
export function uniformF32(shape: number[], seed: number, lo = -1, hi = 1): NDArray {
  const rng = new theano.RandomState(seed);
  return new NDArray('float32', shape, Float32Array.from(rng.uniform(lo, hi, sizeOf(shape))));
}

/** float32 values drawn from a few small integers: many equal elements, for max pooling's ties. */
export function tiedF32(shape: number[], seed: number, levels = 3): NDArray {
  const rng = new theano.RandomState(seed);
  return new NDArray('float32', shape, Float32Array.from(rng.randint(0, levels, sizeOf(shape))));
}

export function int32s(shape: number[], seed: number, lo: number, hi: number): NDArray {
  return new NDArray('int32', shape, new theano.RandomState(seed).randint(lo, hi, sizeOf(shape)));
}

export const int32Scalar = (n: number) => NDArray.scalar(n, 'int32');
export const f32Scalar = (x: number) => NDArray.scalar(x, 'float32');

/** The node that computes a variable. */
export const nodeOf = (v: Variable): Apply => v.owner!;

/** The `which`-th node whose op is `op` (its name, or its full toString: 'gemm{z=true}') in a compiled function's graph. */
export function compiledNode(inputs: Variable[], outputs: Variable[], op: string, which = 0): Apply {
  const f = theano.function(inputs, outputs);
  const found = f.fgraph.toposort().filter((n) => n.op.name === op || n.op.toString() === op);
  if (!found[which])
    throw new Error(
      `no ${op} in ${f.fgraph
        .toposort()
        .map((n) => n.op.toString())
        .join(', ')}`,
    );
  return found[which]!;
}

/** A node's input values: constants as they are, the other inputs from `values` in order. */
export function feed(node: Apply, values: NDArray[]): NDArray[] {
  let next = 0;
  const out = node.inputs.map((v) => (v instanceof Constant ? v.value : values[next++]!));
  if (next !== values.length) throw new Error(`${node.op.toString()} takes ${next} non-constant inputs; got ${values.length} values`);
  return out;
}

/**
 * Tolerances for outputs that sum `terms` products: the device sums in float32, the CPU in float64, so past some tens
 * of terms the results differ by a few float32 roundings of the partial sums (~1e-6 of sums near 10), large
 * relative to outputs that cancel. Short sums keep the default tolerances.
 */
export function sumTolerance(terms: number): { rtol?: number; atol?: number } {
  return terms > 64 ? { rtol: 1e-4, atol: 1e-5 } : {};
}
