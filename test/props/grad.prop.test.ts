/**
 * Property: the gradient of a random elementwise composition of two broadcast-compatible inputs matches
 * central finite differences of the same composition evaluated by the float64 reference.
 */
import { describe, it } from 'vitest';
import fc from 'fast-check';
import { T } from '../../src/index.js';
import { checkGrad, dtensor, type Variable } from '../helpers/check.js';
import * as R from '../helpers/reference.js';
import { broadcastPairArb, seedArb } from './arbitraries.js';
import { PROPS_SEED, runs } from './config.js';

type Expr = { op: 'x' | 'y' } | { op: 'const'; v: number } | { op: Unary; a: Expr } | { op: Binary; a: Expr; b: Expr };
type Unary = 'tanh' | 'sigmoid' | 'sqr' | 'neg' | 'softplus' | 'expTanh' | 'logOnePlusSqr' | 'sqrtOnePlusSqr';
type Binary = 'add' | 'sub' | 'mul' | 'divOnePlusSqr' | 'powAbs';

const unaries: Unary[] = ['tanh', 'sigmoid', 'sqr', 'neg', 'softplus', 'expTanh', 'logOnePlusSqr', 'sqrtOnePlusSqr'];
const binaries: Binary[] = ['add', 'sub', 'mul', 'divOnePlusSqr', 'powAbs'];

const leaf: fc.Arbitrary<Expr> = fc.oneof(
  fc.constant<Expr>({ op: 'x' }),
  fc.constant<Expr>({ op: 'y' }),
  fc.double({ min: -2, max: 2, noNaN: true }).map((v): Expr => ({ op: 'const', v })),
);

function exprArb(depth: number): fc.Arbitrary<Expr> {
  if (depth === 0) return leaf;
  const sub = exprArb(depth - 1);
  return fc.oneof(
    { arbitrary: leaf, weight: 1 },
    { arbitrary: fc.record({ op: fc.constantFrom(...unaries), a: sub }) as fc.Arbitrary<Expr>, weight: 2 },
    { arbitrary: fc.record({ op: fc.constantFrom(...binaries), a: sub, b: sub }) as fc.Arbitrary<Expr>, weight: 2 },
  );
}

/** Builds the tsano expression. */
function build(e: Expr, x: Variable, y: Variable): Variable {
  switch (e.op) {
    case 'x':
      return x;
    case 'y':
      return y;
    case 'const':
      return T.mul(x, 0).add(e.v);
    case 'tanh':
      return T.tanh(build(e.a, x, y));
    case 'sigmoid':
      return T.nnet.sigmoid(build(e.a, x, y));
    case 'sqr':
      return T.sqr(build(e.a, x, y));
    case 'neg':
      return T.neg(build(e.a, x, y));
    case 'softplus':
      return T.nnet.softplus(build(e.a, x, y));
    case 'expTanh':
      return T.exp(T.tanh(build(e.a, x, y)));
    case 'logOnePlusSqr':
      return T.log(T.sqr(build(e.a, x, y)).add(1));
    case 'sqrtOnePlusSqr':
      return T.sqrt(T.add(1, T.sqr(build(e.a, x, y))));
    case 'add':
      return T.add(build(e.a, x, y), build(e.b, x, y));
    case 'sub':
      return T.sub(build(e.a, x, y), build(e.b, x, y));
    case 'mul':
      return T.mul(build(e.a, x, y), build(e.b, x, y));
    case 'divOnePlusSqr':
      return T.div(build(e.a, x, y), T.sqr(build(e.b, x, y)).add(1));
    case 'powAbs':
      // (1 + a^2) ** tanh(b): a positive base, a bounded exponent.
      return T.pow(T.sqr(build(e.a, x, y)).add(1), T.tanh(build(e.b, x, y)));
  }
}

/** The same expression on the reference, written from the definitions. */
function evalRef(e: Expr, x: R.Arr, y: R.Arr): R.Arr {
  const u = (f: (v: number) => number): R.Arr => R.map(evalRef((e as { a: Expr }).a, x, y), f);
  const b = (f: (p: number, q: number) => number): R.Arr => R.zipWith([evalRef((e as { a: Expr }).a, x, y), evalRef((e as { b: Expr }).b, x, y)], f);
  switch (e.op) {
    case 'x':
      return x;
    case 'y':
      return y;
    case 'const':
      return R.map(x, () => e.v);
    case 'tanh':
      return u(Math.tanh);
    case 'sigmoid':
      return u((v) => 1 / (1 + Math.exp(-v)));
    case 'sqr':
      return u((v) => v * v);
    case 'neg':
      return u((v) => -v);
    case 'softplus':
      return u((v) => Math.log(1 + Math.exp(v)));
    case 'expTanh':
      return u((v) => Math.exp(Math.tanh(v)));
    case 'logOnePlusSqr':
      return u((v) => Math.log(1 + v * v));
    case 'sqrtOnePlusSqr':
      return u((v) => Math.sqrt(1 + v * v));
    case 'add':
      return b((p, q) => p + q);
    case 'sub':
      return b((p, q) => p - q);
    case 'mul':
      return b((p, q) => p * q);
    case 'divOnePlusSqr':
      return b((p, q) => p / (1 + q * q));
    case 'powAbs':
      return b((p, q) => Math.pow(1 + p * p, Math.tanh(q)));
  }
}

describe('property: gradients of random elementwise compositions', () => {
  it('match central finite differences for both inputs, through broadcasting', () => {
    fc.assert(
      fc.property(exprArb(3), broadcastPairArb, seedArb, (expr, [sx, sy], seed) => {
        const x = dtensor(sx.length, 'x');
        const y = dtensor(sy.length, 'y');
        const rand = R.rng(seed);
        // 0.3 * x * y keeps both inputs connected whatever the random expression is.
        const out = T.add(build(expr, x, y), x.mul(y).mul(0.3));
        checkGrad({
          wrt: [x, y],
          values: [R.randArr(sx, rand, -1.5, 1.5), R.randArr(sy, rand, -1.5, 1.5)],
          out,
          ref: (a, b) => R.zipWith([evalRef(expr, a!, b!), a!, b!], (e, p, q) => e + 0.3 * p * q),
          seed,
          rtol: 1e-5,
          atol: 1e-4,
        });
      }),
      { seed: PROPS_SEED, numRuns: runs(50) },
    );
  });
});
