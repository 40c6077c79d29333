import type { Executable } from '../codegen/backend.js';
import type { FunctionGraph } from '../ir/fgraph.js';
import type { NDArray } from '../ir/ndarray.js';
import type { Variable } from '../ir/variable.js';
import { TsanoError } from '../util/errors.js';

/** DEBUG_MODE found that the optimised graph computes something else than the graph as written. */
export class OptimizationMismatchError extends TsanoError {}

/** The optimised function and its unoptimised twin, with the twin of each variable of the graph as written. */
export interface DebugPair {
  optimized: Executable;
  fg: FunctionGraph;
  reference: Executable;
  twinOf: ReadonlyMap<Variable, Variable>;
}

/** The worst element where `got` and `want` differ beyond float tolerance, or undefined when they agree. */
function worstDifference(got: NDArray, want: NDArray): { i: number; err: number } | undefined {
  if (want.shape.join(',') !== got.shape.join(',')) return { i: -1, err: Infinity };
  const tol = got.dtype === 'float32' ? 1e-4 : 1e-10;
  let worst: { i: number; err: number } | undefined;
  for (let i = 0; i < want.size; i++) {
    const a = got.data[i]!;
    const b = want.data[i]!;
    if (Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b))) continue;
    const err = Math.abs(a - b) / Math.max(1, Math.abs(b));
    if (!(err <= tol) && (!worst || err > worst.err)) worst = { i, err };
  }
  return worst;
}

const describeDiff = (got: NDArray, want: NDArray, d: { i: number; err: number }) =>
  d.i < 0
    ? `has shape [${got.shape}] but [${want.shape}] as written`
    : `differs: element ${d.i} is ${got.data[d.i]} but ${want.data[d.i]} as written (relative error ${d.err.toExponential(2)})`;

/**
 * The first kernel of the optimised schedule whose result differs from the same value computed by the graph as
 * written (values that rewrites replaced have no twin and are skipped): where a wrong rewrite or kernel shows first.
 */
function firstDivergence(pair: DebugPair): string {
  for (const node of pair.fg.toposort()) {
    for (const v of node.outputs) {
      const twin = pair.twinOf.get(v);
      const got = pair.optimized.valueOf?.(v);
      const want = twin && pair.reference.valueOf?.(twin);
      if (!got || !want) continue;
      const d = worstDifference(got, want);
      if (!d) continue;
      const ops = node.op.userOps?.(node);
      return ` The first kernel that differs is ${node.op.toString()}${ops && ops.length > 1 ? ` (ops: ${ops.join(', ')})` : ''}${v.name ? ` computing '${v.name}'` : ''}: it ${describeDiff(got, want, d)}.${v.createdAt()}`;
    }
  }
  return '';
}

/**
 * Runs the unoptimised twin of a function's graph beside it and compares every output, as Theano's DebugMode
 * does: a rewrite or kernel that changes values is reported with the output, the worst element, and the first
 * kernel whose result differs.
 */
export function checkAgainstReference(pair: DebugPair, results: readonly NDArray[], outputs: readonly Variable[], leafValue: (v: Variable) => NDArray): void {
  const expected = pair.reference.run(leafValue);
  expected.forEach((want, k) => {
    const got = results[k]!;
    const what = outputs[k]!.name ? `'${outputs[k]!.name}'` : `output ${k}`;
    const d = worstDifference(got, want);
    if (d) throw new OptimizationMismatchError(`DEBUG_MODE: ${what} ${describeDiff(got, want, d)} after optimisation.${firstDivergence(pair)}`);
  });
}
