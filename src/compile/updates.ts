import { constant } from '../ir/constant.js';
import { NDArray } from '../ir/ndarray.js';
import { Constant, SharedVariable, Variable } from '../ir/variable.js';
import { ancestors } from '../ir/fgraph.js';
import { TypeMismatchError, UpdateError } from '../util/errors.js';

export type Pairs<K, V> = Map<K, V> | readonly (readonly [K, V])[];

function toPairs<K, V>(p: Pairs<K, V> | undefined): [K, V][] {
  if (!p) return [];
  return p instanceof Map ? [...p.entries()] : p.map(([k, v]) => [k, v]);
}

/** Checks `updates`: each target a shared variable, at most once, with a value of its exact type. */
export function collectUpdates(updates: Pairs<Variable, Variable | number> | undefined): [SharedVariable, Variable][] {
  const out: [SharedVariable, Variable][] = [];
  const seen = new Map<SharedVariable, Variable>();
  for (const [target, raw] of toPairs(updates)) {
    if (!(target instanceof SharedVariable)) {
      throw new UpdateError(`theano.function: updates must target shared variables; ${target instanceof Variable ? target.describe() : String(target)} is not one.`);
    }
    const value = typeof raw === 'number' ? constant(raw, target.dtype) : raw;
    if (!(value instanceof Variable)) throw new UpdateError(`theano.function: the update of ${target.describe()} is not a symbolic variable or a number`);
    const prev = seen.get(target);
    if (prev) {
      throw new UpdateError(`theano.function: shared variable ${target.describe()} is updated twice: by ${prev.describe()} and by ${value.describe()}.${value.createdAt()}`);
    }
    if (value.dtype !== target.dtype || value.ndim !== target.ndim) {
      throw new UpdateError(
        `theano.function: the update of shared variable ${target.describe()} has type ${value.type.describe()} (${value.describe()}); it must be a ${target.type.describe()}. Cast it, e.g. T.cast(value, '${target.dtype}').${value.createdAt()}`,
      );
    }
    seen.set(target, value);
    out.push([target, value]);
  }
  return out;
}

/** Checks `givens`: each key replaced by a value of the same dtype and rank (numbers and arrays become constants). */
export function collectGivens(givens: Pairs<Variable, Variable | NDArray | number> | undefined): Map<Variable, Variable> {
  const out = new Map<Variable, Variable>();
  for (const [key, raw] of toPairs(givens)) {
    if (!(key instanceof Variable) || key instanceof Constant) {
      throw new TypeMismatchError(`theano.function: givens keys must be symbolic variables (not constants); got ${key instanceof Variable ? key.describe() : String(key)}`);
    }
    const value = raw instanceof Variable ? raw : raw instanceof NDArray ? constant(raw) : constant(raw, key.dtype);
    if (value.dtype !== key.dtype || value.ndim !== key.ndim || !key.type.isCompatible(value.type)) {
      throw new TypeMismatchError(
        `theano.function: givens replaces ${key.describe()} by ${value.describe()}, of another type; the replacement must be a ${key.type.toString()}.${value.createdAt()}`,
      );
    }
    if (out.has(key)) throw new TypeMismatchError(`theano.function: givens names ${key.describe()} twice`);
    out.set(key, value);
  }
  return out;
}

/**
 * Adds the default updates (`SharedVariable.defaultUpdate`, e.g. random stream states) of every shared variable
 * the graph uses and that has no explicit update, as Theano does; repeats until no new variable turns up.
 */
export function withDefaultUpdates(explicit: [SharedVariable, Variable][], roots: readonly Variable[]): [SharedVariable, Variable][] {
  const out = explicit.slice();
  const updated = new Set(out.map(([s]) => s));
  let frontier: readonly Variable[] = [...roots, ...out.map(([, v]) => v)];
  while (frontier.length) {
    const added: Variable[] = [];
    for (const v of ancestors(frontier)) {
      if (v instanceof SharedVariable && v.defaultUpdate && !updated.has(v)) {
        updated.add(v);
        out.push([v, v.defaultUpdate]);
        added.push(v.defaultUpdate);
      }
    }
    frontier = added;
  }
  return out;
}
