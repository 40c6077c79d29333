/**
 * `T.grad`, `T.jacobian`, `T.hessian`, `T.Lop`, `T.Rop` as users call them: the arguments are checked first
 * (junk is a DTypeError naming the function and the argument, never a TypeError from deep inside the walk), and
 * a DisconnectedInputError gains the line of the user's call.
 */
import { Variable } from '../ir/variable.js';
import { atCallSite, describeValue } from '../ir/validate.js';
import { GradientError, TsanoError, TypeMismatchError } from '../util/errors.js';
import { grad as gradPass, type GradOptions } from '../passes/grad.js';
import { jacobian as jacobianPass, hessian as hessianPass, type JacobianOptions } from '../passes/jacobian.js';
import { Lop as lopPass, Rop as ropPass, type LopOptions, type RopOptions } from '../passes/lop-rop.js';

type OneOrMany = Variable | readonly Variable[];

/** Rows a Jacobian or Hessian may unroll into (one backward pass each): beyond this the graph would not fit. */
export const MAX_UNROLLED_ROWS = 1024;

function checkVariable(fn: string, what: string, v: unknown): asserts v is Variable {
  if (!(v instanceof Variable)) throw new TypeMismatchError(`${fn}: ${what} must be a symbolic variable; got ${describeValue(v)}.${atCallSite()}`);
}

function checkOneOrMany(fn: string, what: string, v: unknown): void {
  if (Array.isArray(v)) v.forEach((x, i) => checkVariable(fn, `${what}[${i}]`, x));
  else checkVariable(fn, what, v);
}

const POLICIES = ['raise', 'warn', 'ignore'];

function checkOptions(fn: string, opts: unknown, policyKey: string): void {
  if (opts === undefined) return;
  if (opts === null || typeof opts !== 'object' || Array.isArray(opts))
    throw new TypeMismatchError(`${fn}: options must be an object; got ${describeValue(opts)}.${atCallSite()}`);
  const o = opts as Record<string, unknown>;
  const policy = o[policyKey];
  if (policy !== undefined && !POLICIES.includes(policy as string)) {
    throw new TypeMismatchError(`${fn}: ${policyKey} must be 'raise', 'warn' or 'ignore'; got ${describeValue(policy)}.${atCallSite()}`);
  }
  if (o.considerConstant !== undefined) {
    if (!Array.isArray(o.considerConstant))
      throw new TypeMismatchError(`${fn}: considerConstant must be an array of variables; got ${describeValue(o.considerConstant)}.${atCallSite()}`);
    o.considerConstant.forEach((v, i) => checkVariable(fn, `considerConstant[${i}]`, v));
  }
  const known = o.knownGrads;
  if (known !== undefined) {
    const pairs = known instanceof Map ? [...known.entries()] : Array.isArray(known) ? known : null;
    if (!pairs)
      throw new TypeMismatchError(`${fn}: knownGrads must be a Map or an array of [variable, gradient] pairs; got ${describeValue(known)}.${atCallSite()}`);
    pairs.forEach((p, i) => {
      if (!Array.isArray(p) || p.length !== 2)
        throw new TypeMismatchError(`${fn}: knownGrads[${i}] must be a [variable, gradient] pair; got ${describeValue(p)}.${atCallSite()}`);
      checkVariable(fn, `knownGrads[${i}][0]`, p[0]);
      checkVariable(fn, `knownGrads[${i}][1]`, p[1]);
    });
  }
}

/** Runs a gradient builder; a disconnected input's message gains the user's line. */
function withSite<T>(build: () => T): T {
  try {
    return build();
  } catch (e) {
    if (e instanceof TsanoError && !e.message.includes('Created at')) e.message = `${e.message.replace(/\.?$/, '.')}${atCallSite()}`;
    throw e;
  }
}

/** `T.grad(cost, wrt, { disconnectedInputs, knownGrads, considerConstant })`; `wrt` a variable or an array (same form back). */
export function grad(cost: Variable, wrt: Variable, opts?: GradOptions): Variable;
export function grad(cost: Variable, wrt: readonly Variable[], opts?: GradOptions): Variable[];
export function grad(cost: Variable, wrt: OneOrMany, opts?: GradOptions): Variable | Variable[] {
  if (cost !== null) checkVariable('T.grad', 'the cost', cost);
  checkOneOrMany('T.grad', 'wrt', wrt);
  checkOptions('T.grad', opts, 'disconnectedInputs');
  return withSite(() => gradPass(cost, wrt as Variable[], opts));
}

function checkUnrolled(fn: string, v: Variable, rows: number | null): void {
  if (rows !== null && rows > MAX_UNROLLED_ROWS) {
    throw new GradientError(
      `${fn}: ${v.describe()} has ${rows} elements; tsano unrolls one backward pass per element and allows at most ${MAX_UNROLLED_ROWS}.${atCallSite()}`,
    );
  }
}

/** `T.jacobian(expression, wrt, opts)`: see passes/jacobian.ts. */
export function jacobian(expression: Variable, wrt: Variable, opts?: JacobianOptions): Variable;
export function jacobian(expression: Variable, wrt: readonly Variable[], opts?: JacobianOptions): Variable[];
export function jacobian(expression: Variable, wrt: OneOrMany, opts?: JacobianOptions): Variable | Variable[] {
  checkVariable('T.jacobian', 'the expression', expression);
  checkOneOrMany('T.jacobian', 'wrt', wrt);
  checkOptions('T.jacobian', opts, 'disconnectedInputs');
  if (expression.ndim === 1) checkUnrolled('T.jacobian', expression, expression.type.shape[0] ?? null);
  return withSite(() => jacobianPass(expression, wrt, opts));
}

/** `T.hessian(cost, wrt, opts)`: see passes/jacobian.ts. */
export function hessian(cost: Variable, wrt: Variable, opts?: JacobianOptions): Variable;
export function hessian(cost: Variable, wrt: readonly Variable[], opts?: JacobianOptions): Variable[];
export function hessian(cost: Variable, wrt: OneOrMany, opts?: JacobianOptions): Variable | Variable[] {
  checkVariable('T.hessian', 'the cost', cost);
  checkOneOrMany('T.hessian', 'wrt', wrt);
  checkOptions('T.hessian', opts, 'disconnectedInputs');
  for (const w of wrt instanceof Variable ? [wrt] : wrt) {
    const s = w.type.shape;
    checkUnrolled('T.hessian', w, s.every((d) => d !== null) ? (s as number[]).reduce((a, b) => a * b, 1) : null);
  }
  return withSite(() => hessianPass(cost, wrt, opts));
}

/** `T.Lop(f, wrt, evalPoints, opts)`: see passes/lop-rop.ts. */
export function Lop(f: OneOrMany, wrt: Variable, evalPoints: OneOrMany, opts?: LopOptions): Variable;
export function Lop(f: OneOrMany, wrt: readonly Variable[], evalPoints: OneOrMany, opts?: LopOptions): Variable[];
export function Lop(f: OneOrMany, wrt: OneOrMany, evalPoints: OneOrMany, opts?: LopOptions): Variable | Variable[] {
  checkOneOrMany('T.Lop', 'f', f);
  checkOneOrMany('T.Lop', 'wrt', wrt);
  checkOneOrMany('T.Lop', 'evalPoints', evalPoints);
  checkOptions('T.Lop', opts, 'disconnectedInputs');
  return withSite(() => lopPass(f, wrt, evalPoints, opts));
}

/** `T.Rop(f, wrt, evalPoints, opts)`: see passes/lop-rop.ts. */
export function Rop(f: Variable, wrt: OneOrMany, evalPoints: OneOrMany, opts?: RopOptions): Variable;
export function Rop(f: readonly Variable[], wrt: OneOrMany, evalPoints: OneOrMany, opts?: RopOptions): Variable[];
export function Rop(f: OneOrMany, wrt: OneOrMany, evalPoints: OneOrMany, opts?: RopOptions): Variable | Variable[] {
  checkOneOrMany('T.Rop', 'f', f);
  checkOneOrMany('T.Rop', 'wrt', wrt);
  checkOneOrMany('T.Rop', 'evalPoints', evalPoints);
  checkOptions('T.Rop', opts, 'disconnectedOutputs');
  return withSite(() => ropPass(f, wrt, evalPoints, opts));
}
