import { constant } from '../ir/constant.js';
import { NDArray } from '../ir/ndarray.js';
import { Constant, SharedVariable, Variable } from '../ir/variable.js';
import { ancestors } from '../ir/fgraph.js';
import { TypeMismatchError, UpdateError } from '../util/errors.js';
import { describeValue } from '../ir/validate.js';
import { formatShape } from '../util/shape.js';
import { isFloat, roundTo } from '../ir/dtype.js';

export type Pairs<K, V> = Map<K, V> | readonly (readonly [K, V])[];

/** The pairs of an `updates` or `givens` option (an array of [key, value] pairs, or a Map); junk is an UpdateError. */
function toPairs<K, V>(p: Pairs<K, V> | undefined, option: string, what: string): [K, V][] {
  if (p === undefined || p === null) return [];
  if (p instanceof Map) return [...p.entries()];
  if (!Array.isArray(p)) throw new UpdateError(`theano.function: ${option} must be an array of [${what}] pairs or a Map; got ${describeValue(p)}`);
  return p.map((pair: unknown, i) => {
    if (!Array.isArray(pair) || pair.length !== 2)
      throw new UpdateError(`theano.function: ${option}[${i}] must be a [${what}] pair; got ${describeValue(pair)}`);
    return [pair[0] as K, pair[1] as V];
  });
}

/** Checks `updates`: each target a shared variable, at most once, with a value of its exact type. */
export function collectUpdates(updates: Pairs<Variable, Variable | number> | undefined): [SharedVariable, Variable][] {
  const out: [SharedVariable, Variable][] = [];
  const seen = new Map<SharedVariable, Variable>();
  for (const [target, raw] of toPairs(updates, 'updates', 'shared variable, new value')) {
    if (!(target instanceof SharedVariable)) {
      throw new UpdateError(
        `theano.function: updates must target shared variables; ${target instanceof Variable ? target.describe() : describeValue(target)} is not one.`,
      );
    }
    if (typeof raw === 'number') checkNumberFits(raw, target, 'the update of shared variable');
    const value = typeof raw === 'number' ? constant(raw, target.dtype) : raw;
    if (!(value instanceof Variable))
      throw new UpdateError(
        `theano.function: the update of ${target.describe()} must be a symbolic variable or a number; got ${describeValue(raw)}.${target.createdAt()}`,
      );
    const prev = seen.get(target);
    if (prev) {
      throw new UpdateError(
        `theano.function: shared variable ${target.describe()} is updated twice: by ${prev.describe()} and by ${value.describe()}.${value.createdAt()} Give each shared variable one update (combine the two expressions).`,
      );
    }
    if (value.dtype !== target.dtype || value.ndim !== target.ndim) {
      throw new UpdateError(
        `theano.function: the update of shared variable ${target.describe()} has type ${value.type.describe()} (${value.describe()}); it must be a ${target.type.describe()}, like the variable's value of shape ${formatShape(target.value.shape)}.${value.createdAt()} ${value.ndim !== target.ndim ? 'Reshape or reduce it to the rank of the shared variable' : `Cast it, e.g. T.cast(value, '${target.dtype}')`}.`,
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
  for (const [key, raw] of toPairs(givens, 'givens', 'variable, replacement')) {
    if (!(key instanceof Variable) || key instanceof Constant) {
      throw new TypeMismatchError(
        `theano.function: givens keys must be symbolic variables (not constants); got ${key instanceof Variable ? key.describe() : describeValue(key)}`,
      );
    }
    if (!(raw instanceof Variable) && !(raw instanceof NDArray) && typeof raw !== 'number') {
      throw new UpdateError(
        `theano.function: givens replaces ${key.describe()} by ${describeValue(raw)}; a replacement must be a symbolic variable, an NDArray or a number.${key.createdAt()}`,
      );
    }
    if (typeof raw === 'number') checkNumberFits(raw, key, 'givens: the replacement of');
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

/** A number given for `v` must keep its value in v's dtype (no silent rounding of 1.5 or NaN into an int). */
function checkNumberFits(n: number, v: Variable, what: string): void {
  if (!isFloat(v.dtype) && roundTo(v.dtype, n) !== n) {
    throw new UpdateError(`theano.function: ${what} ${v.describe()} is the number ${n}, which a ${v.dtype} cannot hold.${v.createdAt()}`);
  }
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
