import { Variable } from '../ir/variable.js';
import { DisconnectedInputError, GradientError } from '../util/errors.js';
import { onesLike, zerosLike } from '../ops/grad-helpers.js';
import { grad, gradWithConnectivity, type DisconnectedPolicy } from './grad.js';

export interface LopOptions {
  considerConstant?: readonly Variable[];
  disconnectedInputs?: DisconnectedPolicy;
}

export interface RopOptions {
  /** What to do when some `f` does not depend on any `wrt` (Theano's `disconnected_outputs`). */
  disconnectedOutputs?: DisconnectedPolicy;
}

type OneOrMany = Variable | readonly Variable[];
const asList = (x: OneOrMany): readonly Variable[] => (x instanceof Variable ? [x] : x);

/**
 * `theano.gradient.Lop(f, wrt, evalPoints)`: the vector-Jacobian product. For each `wrt[j]`,
 * `Σ_i evalPoints[i] · ∂f[i]/∂wrt[j]` (summed over every element of every f), as a graph. Built by the reverse
 * walk with `evalPoints` as the known gradients of `f` (Theano's `grad(cost=None, known_grads=…)`), so it costs one
 * backward pass. `f` and `evalPoints` pair up (one each, or arrays of equal length, equal ranks); the result has
 * the form of `wrt`.
 */
export function Lop(f: OneOrMany, wrt: Variable, evalPoints: OneOrMany, opts?: LopOptions): Variable;
export function Lop(f: OneOrMany, wrt: readonly Variable[], evalPoints: OneOrMany, opts?: LopOptions): Variable[];
export function Lop(f: OneOrMany, wrt: OneOrMany, evalPoints: OneOrMany, opts?: LopOptions): Variable | Variable[];
export function Lop(f: OneOrMany, wrt: OneOrMany, evalPoints: OneOrMany, opts: LopOptions = {}): Variable | Variable[] {
  const fs = asList(f);
  const vs = asList(evalPoints);
  if (fs.length !== vs.length) throw new GradientError(`Lop: ${fs.length} expressions but ${vs.length} evaluation points; give one per expression`);
  fs.forEach((fi, i) => {
    const vi = vs[i]!;
    if (fi.ndim !== vi.ndim) throw new GradientError(`Lop: evaluation point ${i} ${vi.describe()} must have the rank of ${fi.describe()}`);
  });
  const known = fs.map((fi, i) => [fi, vs[i]!] as const);
  const wrts = asList(wrt);
  const result = grad(null, wrts, { knownGrads: known, considerConstant: opts.considerConstant, disconnectedInputs: opts.disconnectedInputs ?? 'raise' });
  return wrt instanceof Variable ? result[0]! : result;
}

/**
 * `theano.gradient.Rop(f, wrt, evalPoints)`: the Jacobian-vector product `Σ_j ∂f/∂wrt[j] · evalPoints[j]`, shaped
 * like each f. tsano has no per-op forward rules; it uses the double-Lop trick: with a dummy `u` shaped like f,
 * `g(u) = Lop(f, wrt, u) = Jᵀu` is linear in u, so `Lop(g, u, v) = J v`. The dummy is `onesLike(f)` (any value
 * works, since the result does not depend on it), so the graph needs no extra input. Costs two backward passes;
 * the rewrite passes remove what the second one makes redundant.
 */
export function Rop(f: Variable, wrt: OneOrMany, evalPoints: OneOrMany, opts?: RopOptions): Variable;
export function Rop(f: readonly Variable[], wrt: OneOrMany, evalPoints: OneOrMany, opts?: RopOptions): Variable[];
export function Rop(f: OneOrMany, wrt: OneOrMany, evalPoints: OneOrMany, opts?: RopOptions): Variable | Variable[];
export function Rop(f: OneOrMany, wrt: OneOrMany, evalPoints: OneOrMany, opts: RopOptions = {}): Variable | Variable[] {
  const fs = asList(f);
  const wrts = asList(wrt);
  const vs = asList(evalPoints);
  if (wrts.length !== vs.length) throw new GradientError(`Rop: ${wrts.length} variables but ${vs.length} evaluation points; give one per variable`);
  wrts.forEach((w, j) => {
    const v = vs[j]!;
    if (w.ndim !== v.ndim) throw new GradientError(`Rop: evaluation point ${j} ${v.describe()} must have the rank of ${w.describe()}`);
  });
  const policy = opts.disconnectedOutputs ?? 'raise';
  const results = fs.map((fi) => {
    const u = onesLike(fi);
    // Jᵀu for every wrt; wrt that f does not reach get zeros (they add nothing to J v).
    const first = gradWithConnectivity(null, wrts, { knownGrads: [[fi, u]], disconnectedInputs: 'ignore' });
    if (!first.connected.some(Boolean)) {
      const message = `Rop: ${fi.describe()} does not depend on ${wrts.map((w) => w.describe()).join(', ')} (or only through ops that pass no gradient)`;
      if (policy === 'raise')
        throw new DisconnectedInputError(`${message}. Pass disconnectedOutputs: 'ignore' or 'warn' to get zeros instead.${fi.createdAt()}`);
      if (policy === 'warn') console.warn(`[tsano] ${message}; its Rop is zero`);
      return zerosLike(fi);
    }
    // Connected through zero gradients only (zeroGrad): Jᵀu does not depend on u, and J v is zero.
    const r = grad(null, u, { knownGrads: first.grads.map((g, j) => [g, vs[j]!] as const), disconnectedInputs: 'ignore' });
    // Name fresh nodes only (the result can be a user's variable: Rop(x, x, v) is v).
    if (r.owner && r.name === 'dcost/d?') r.name = `Rop(${fi.name ?? 'f'})`;
    return r;
  });
  return f instanceof Variable ? results[0]! : results;
}
