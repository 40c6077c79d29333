import type { Executable } from '../codegen/backend.js';
import type { NDArray } from '../ir/ndarray.js';
import type { Variable } from '../ir/variable.js';
import { TsanoError } from '../util/errors.js';

/** DEBUG_MODE found that the optimised graph computes something else than the graph as written. */
export class OptimizationMismatchError extends TsanoError {}

/**
 * Runs the unoptimised twin of a function's graph beside it and compares every output, as Theano's
 * DebugMode does: a rewrite that changes values is reported with the output and the worst element.
 */
export function checkAgainstReference(
  reference: Executable,
  results: readonly NDArray[],
  outputs: readonly Variable[],
  leafValue: (v: Variable) => NDArray,
): void {
  const expected = reference.run(leafValue);
  expected.forEach((want, k) => {
    const got = results[k]!;
    const what = outputs[k]!.name ? `'${outputs[k]!.name}'` : `output ${k}`;
    if (want.shape.join(',') !== got.shape.join(',')) {
      throw new OptimizationMismatchError(`DEBUG_MODE: ${what} has shape [${got.shape}] after optimisation but [${want.shape}] as written`);
    }
    const tol = got.dtype === 'float32' ? 1e-4 : 1e-10;
    let worst = -1;
    let worstErr = 0;
    for (let i = 0; i < want.size; i++) {
      const a = got.data[i]!;
      const b = want.data[i]!;
      if (Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b))) continue;
      const err = Math.abs(a - b) / Math.max(1, Math.abs(b));
      if (!(err <= tol) && (worst < 0 || err > worstErr)) {
        worst = i;
        worstErr = err;
      }
    }
    if (worst >= 0) {
      throw new OptimizationMismatchError(
        `DEBUG_MODE: ${what} differs after optimisation: element ${worst} is ${got.data[worst]} but ${want.data[worst]} as written (relative error ${worstErr.toExponential(2)})`,
      );
    }
  });
}
