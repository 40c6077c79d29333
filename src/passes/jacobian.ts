import { constant } from '../ir/constant.js';
import { NDArray } from '../ir/ndarray.js';
import { Variable } from '../ir/variable.js';
import { GradientError } from '../util/errors.js';
import { add } from '../ops/elemwise/add.js';
import { fill } from '../ops/elemwise/fill.js';
import { dimshuffle } from '../ops/dimshuffle.js';
import { incSubtensor } from '../ops/inc-subtensor.js';
import { subtensor } from '../ops/subtensor.js';
import { flatten, reshape } from '../ops/reshape.js';
import { grad, type DisconnectedPolicy } from './grad.js';

export interface JacobianOptions {
  considerConstant?: readonly Variable[];
  disconnectedInputs?: DisconnectedPolicy;
}

/*
 * tsano has no scan op, so the Jacobian is built the way Theano's scan unrolls: one backward pass per element of
 * the expression, `grad(expression[i], wrt)`, each written into row i of a zero tensor of shape (n, ...wrt.shape)
 * with setSubtensor. That needs n when the graph is built: the expression's static length. The compiler's merge
 * pass shares the forward graph between the rows; the graph grows with n, so this is meant for small n (tests,
 * Hessians of small models), not for a network's weight matrices.
 */

type OneOrMany = Variable | readonly Variable[];

/**
 * `T.jacobian(expression, wrt)`: the full Jacobian, row by row. `expression` a vector (a scalar gives `T.grad`);
 * each result has shape (n, ...wrt.shape) and the form of `wrt` (one variable or an array). The length n must be
 * static (known when the graph is built): give the inputs static shapes, e.g. `T.tensor('float64', [3], 'x')`.
 */
export function jacobian(expression: Variable, wrt: Variable, opts?: JacobianOptions): Variable;
export function jacobian(expression: Variable, wrt: readonly Variable[], opts?: JacobianOptions): Variable[];
export function jacobian(expression: Variable, wrt: OneOrMany, opts?: JacobianOptions): Variable | Variable[];
export function jacobian(expression: Variable, wrt: OneOrMany, opts: JacobianOptions = {}): Variable | Variable[] {
  const wrts = wrt instanceof Variable ? [wrt] : wrt;
  if (expression.ndim === 0) return grad(expression, wrt, opts);
  if (expression.ndim !== 1) {
    throw new GradientError(
      `jacobian: expects a vector (or scalar) expression; got ${expression.describe()}. Flatten it first: expression.flatten().${expression.createdAt()}`,
    );
  }
  const n = expression.type.shape[0];
  if (n === null || n === undefined) {
    throw new GradientError(
      `jacobian: the length of ${expression.describe()} must be known when the graph is built (tsano unrolls the Jacobian row by row; it has no scan op). ` +
        `Give the inputs static shapes, e.g. T.tensor('float64', [3], 'x') instead of T.dvector('x').${expression.createdAt()}`,
    );
  }
  const result = jacobianRows(expression, n, wrts, opts);
  return wrt instanceof Variable ? result[0]! : result;
}

/** The Jacobian of a vector `expression` whose length is `n` at run time, one backward pass per row. */
function jacobianRows(expression: Variable, n: number, wrts: readonly Variable[], opts: JacobianOptions): Variable[] {
  const rows: Variable[][] = [];
  for (let i = 0; i < n; i++) {
    const element = subtensor(expression, [{ kind: 'int' }], [constant(i, 'int32')]);
    rows.push(grad(element, wrts, opts));
  }
  return wrts.map((w, j) => {
    let jac = zerosWithLeadingAxis(w, n);
    for (let i = 0; i < n; i++) jac = incSubtensor(jac, rows[i]![j]!, [{ kind: 'int' }], [constant(i, 'int32')], true);
    jac.name = `jacobian(${expression.name ?? 'expression'}, ${w.name ?? '?'})`;
    return jac;
  });
}

/** Zeros of shape (n, ...w.shape) in w's dtype, without reading w's values. */
function zerosWithLeadingAxis(w: Variable, n: number): Variable {
  const column = constant(NDArray.zeros(w.dtype, [n, ...w.type.shape.map(() => 1)]));
  const lifted = dimshuffle(w, ['x', ...w.type.shape.map((_, a) => a)]);
  return fill(add(column, lifted), constant(0, w.dtype));
}

/**
 * `T.hessian(cost, wrt)`: the matrix of second derivatives of a scalar cost, as `jacobian(grad(cost, wrt), wrt)`.
 * Theano takes vectors; tsano also takes any rank, giving shape (...wrt.shape, ...wrt.shape). The size of each
 * wrt must be static (see `jacobian`). Variables that the gradient does not reach give zeros, as in Theano.
 */
export function hessian(cost: Variable, wrt: Variable, opts?: JacobianOptions): Variable;
export function hessian(cost: Variable, wrt: readonly Variable[], opts?: JacobianOptions): Variable[];
export function hessian(cost: Variable, wrt: OneOrMany, opts?: JacobianOptions): Variable | Variable[];
export function hessian(cost: Variable, wrt: OneOrMany, opts: JacobianOptions = {}): Variable | Variable[] {
  if (cost.ndim !== 0) throw new GradientError(`hessian: the cost must be a scalar; got ${cost.describe()}.${cost.createdAt()}`);
  const wrts = wrt instanceof Variable ? [wrt] : wrt;
  const result = wrts.map((w) => {
    const shape = w.type.shape;
    if (shape.some((d) => d === null)) {
      throw new GradientError(
        `hessian: the shape of ${w.describe()} must be known when the graph is built (tsano unrolls the Hessian row by row; it has no scan op). ` +
          `Give it a static shape, e.g. T.tensor('float64', [3], 'x') instead of T.dvector('x').${w.createdAt()}`,
      );
    }
    const size = (shape as number[]).reduce((a, b) => a * b, 1);
    const g = grad(cost, w, opts);
    const rows = jacobianRows(w.ndim === 1 ? g : flatten(g, 1), size, [w], { considerConstant: opts.considerConstant, disconnectedInputs: 'ignore' })[0]!;
    const h = w.ndim === 1 ? rows : reshape(rows, [...(shape as number[]), ...(shape as number[])]);
    h.name = `hessian(${cost.name ?? 'cost'}, ${w.name ?? '?'})`;
    return h;
  });
  return wrt instanceof Variable ? result[0]! : result;
}
