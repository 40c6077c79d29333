import { isFloat } from '../ir/dtype.js';
import { constant } from '../ir/constant.js';
import { ancestors, toposort } from '../ir/fgraph.js';
import type { Variable } from '../ir/variable.js';
import { DisconnectedInputError, GradientError } from '../util/errors.js';
import { add } from '../ops/elemwise/add.js';
import { cast } from '../ops/elemwise/cast.js';
import { zerosLike } from '../ops/grad-helpers.js';
import { isKnownZero } from '../ops/known-zero.js';

export type DisconnectedPolicy = 'raise' | 'warn' | 'ignore';

export interface GradOptions {
  disconnectedInputs?: DisconnectedPolicy;
  /** Known gradients of intermediate variables; added to what flows back from the cost, as in Theano. */
  knownGrads?: Map<Variable, Variable> | readonly (readonly [Variable, Variable])[];
  /**
   * Variables not to backpropagate through (Theano's `consider_constant`): each is treated as a leaf, so no
   * gradient reaches the graph that computes it. A `wrt` reached only through them is disconnected.
   */
  considerConstant?: readonly Variable[];
}

/**
 * Reverse-mode gradient of a scalar cost, as a graph. Walks the nodes between `wrt` and the cost in reverse
 * topological order, summing the contributions of every variable used more than once; each op's `grad`
 * reduces broadcast gradients to its inputs' shapes.
 */
export function grad(cost: Variable | null, wrt: Variable, opts?: GradOptions): Variable;
export function grad(cost: Variable | null, wrt: readonly Variable[], opts?: GradOptions): Variable[];
export function grad(cost: Variable | null, wrt: Variable | readonly Variable[], opts?: GradOptions): Variable | Variable[];
export function grad(cost: Variable | null, wrt: Variable | readonly Variable[], opts: GradOptions = {}): Variable | Variable[] {
  const list = Array.isArray(wrt) ? (wrt as readonly Variable[]) : [wrt as Variable];
  const results = gradWithConnectivity(cost, list, opts).grads;
  return Array.isArray(wrt) ? results : results[0]!;
}

/**
 * `grad` that also says which `wrt` the cost reaches through ops that pass gradients (even zero ones, as
 * zeroGrad's): `connected[i]` is false exactly when `wrt[i]` is disconnected. Rop uses it.
 */
export function gradWithConnectivity(cost: Variable | null, wrt: readonly Variable[], opts: GradOptions = {}): { grads: Variable[]; connected: boolean[] } {
  const known = new Map<Variable, Variable>(
    opts.knownGrads instanceof Map ? opts.knownGrads : (opts.knownGrads ?? []).map(([v, g]) => [v, g] as [Variable, Variable]),
  );
  if (cost === null) {
    // Theano's grad(cost=None, known_grads=...): what Lop uses.
    if (known.size === 0) throw new GradientError('grad: without a cost, knownGrads must give the gradient of at least one variable');
  } else {
    if (cost.ndim !== 0) {
      throw new GradientError(`grad: the cost must be a scalar; got ${cost.describe()}. Reduce it first, e.g. with T.sum or T.mean.${cost.createdAt()}`);
    }
    if (!isFloat(cost.dtype)) throw new GradientError(`grad: the cost must be a float; got ${cost.describe()}.${cost.createdAt()}`);
  }
  const costName = cost?.name ?? 'cost';
  for (const w of wrt) {
    if (!isFloat(w.dtype))
      throw new GradientError(`grad: cannot differentiate with respect to ${w.describe()}: gradients are defined for float variables only.`);
  }
  for (const [v, g] of known) {
    if (!isFloat(g.dtype)) throw new GradientError(`grad: the known gradient of ${v.describe()} must be a float; got ${g.describe()}`);
    if (g.ndim !== v.ndim) throw new GradientError(`grad: the known gradient of ${v.describe()} must have its rank; got ${g.describe()}`);
  }

  const seeds = [...known.keys()];
  const order = toposort(cost === null || seeds.includes(cost) ? seeds : [cost, ...seeds]);

  // Only variables that depend on some wrt need gradients. A variable in considerConstant is a leaf: it depends
  // on nothing (unless it is itself a wrt), so no gradient reaches the nodes that compute it.
  const constants = new Set<Variable>(opts.considerConstant ?? []);
  const dependsOnWrt = new Set<Variable>(wrt);
  const dependsIgnoringConstants = new Set<Variable>(wrt);
  for (const node of order) {
    if (node.inputs.some((v) => dependsIgnoringConstants.has(v))) node.outputs.forEach((o) => dependsIgnoringConstants.add(o));
    if (node.inputs.some((v) => dependsOnWrt.has(v))) node.outputs.forEach((o) => (constants.has(o) && !wrt.includes(o) ? undefined : dependsOnWrt.add(o)));
  }

  const contributions = new Map<Variable, Variable[]>();
  const contribute = (v: Variable, g: Variable): void => {
    const list = contributions.get(v);
    if (list) list.push(g);
    else contributions.set(v, [g]);
  };
  // A variable held constant passes nothing back, not even a gradient given for it.
  const held = (v: Variable): boolean => constants.has(v) && !wrt.includes(v);
  if (cost !== null && !known.has(cost) && !held(cost)) contribute(cost, constant(1, cost.dtype));
  for (const [v, g] of known) if (!held(v)) contribute(v, g);

  const blockedBy = new Set<string>();
  for (const c of constants) if (dependsIgnoringConstants.has(c) && !dependsOnWrt.has(c)) blockedBy.add('considerConstant');
  const reachedByZero = new Set<Variable>();
  for (let k = order.length - 1; k >= 0; k--) {
    const node = order[k]!;
    if (!node.outputs.some((o) => contributions.has(o))) {
      // Only zeros arrived here: the inputs are still connected, with zero gradient.
      if (node.outputs.some((o) => reachedByZero.has(o))) for (const v of node.inputs) if (dependsOnWrt.has(v)) reachedByZero.add(v);
      continue;
    }
    // Integer values carry no gradient: remember what made them, for the disconnected-input message.
    for (const v of node.inputs) if (dependsOnWrt.has(v) && !isFloat(v.dtype)) blockedBy.add((v.owner?.op ?? node.op).toString());
    if (!node.inputs.some((v) => dependsOnWrt.has(v) && isFloat(v.dtype))) continue;
    const gouts = node.outputs.map((o) => total(contributions.get(o)) ?? zerosLike(o));
    const gins = node.op.grad(node.inputs, node.outputs, gouts);
    node.inputs.forEach((input, i) => {
      if (!dependsOnWrt.has(input) || !isFloat(input.dtype)) return;
      const g = gins[i];
      if (!g) return void blockedBy.add(node.op.toString());
      // A zero adds nothing: skip it so dead subgraphs stay out of the gradient, but remember the connection.
      if (isKnownZero(g)) return void reachedByZero.add(input);
      if (g.ndim !== input.ndim) {
        throw new GradientError(
          `grad: ${node.op.toString()} returned a gradient of rank ${g.ndim} for ${input.describe()} (an internal error in that op's gradient)`,
        );
      }
      contribute(input, g.dtype === input.dtype ? g : cast(g, input.dtype));
    });
  }

  const policy = opts.disconnectedInputs ?? 'raise';
  const connected = wrt.map((w) => contributions.has(w) || reachedByZero.has(w));
  const grads = wrt.map((w) => {
    const g = total(contributions.get(w));
    if (g) {
      // Name fresh gradient nodes only: never rename a variable the user made.
      if (g.owner && g.name === undefined) g.name = `d${costName}/d${w.name ?? '?'}`;
      return g;
    }
    if (reachedByZero.has(w)) {
      const zeros = zerosLike(w);
      zeros.name = `d${costName}/d${w.name ?? '?'}`;
      return zeros;
    }
    const reason = ancestors(cost === null ? seeds : [cost]).has(w)
      ? `the cost depends on it only through ops that pass no gradient (${[...blockedBy].join(', ') || 'none found'})`
      : `it is not part of the computational graph of the cost`;
    const what = cost === null ? 'the variables with known gradients do' : costName === 'cost' && !cost.name ? 'the cost does' : `'${costName}' does`;
    const message = `grad: ${what} not depend on ${w.describe()}: ${reason}. Pass disconnectedInputs: 'ignore' or 'warn' to get zeros instead.`;
    if (policy === 'raise') throw new DisconnectedInputError(message);
    if (policy === 'warn') console.warn(`[tsano] ${message}`);
    const zeros = zerosLike(w);
    zeros.name = `d${costName}/d${w.name ?? '?'}`;
    return zeros;
  });
  return { grads, connected };
}

function total(list: Variable[] | undefined): Variable | undefined {
  if (!list || list.length === 0) return undefined;
  return list.reduce((acc, g) => add(acc, g));
}
