/**
 * Ops for the tests of the testers: correct sin/cos (tsano has none; Theano's documented examples use cos), and
 * copies of real ops with a planted gradient bug. Each planted op computes the right value and a wrong gradient.
 */
import { T } from '../../src/index.js';
import type { Variable } from '../../src/index.js';
import { apply1, type Op } from '../../src/ir/op.js';
import { constant } from '../../src/ir/constant.js';
import { NDArray } from '../../src/ir/ndarray.js';
import { Elemwise, dtypeRules } from '../../src/ops/elemwise/elemwise.js';
import { elemwise } from '../../src/ops/elemwise/build.js';
import { mul } from '../../src/ops/elemwise/mul.js';
import { neg } from '../../src/ops/elemwise/neg.js';
import { sumTo } from '../../src/ops/sum-to.js';
import { zerosLike } from '../../src/ops/grad-helpers.js';
import { Pool2d } from '../../src/ops/pool2d.js';
import { resolvePoolOptions } from '../../src/ops/pool-geometry.js';
import { softmax as softmaxOp } from '../../src/ops/softmax.js';
import { reshapeTo, fitTo, broadcastShapes, type GraphOp, type Built } from '../../src/testing/index.js';

const unaryElemwise = (name: string, render: (a: string) => string, grad: (x: Variable, z: Variable, gz: Variable) => Variable) => {
  const op = new Elemwise({ name, arity: 1, render: ([a]) => render(a!), outDType: dtypeRules.float, grad: ([x], z, gz) => [grad(x!, z, gz)] });
  return (x: Variable): Variable => elemwise(op, x);
};

// Correct sin and cos, for Theano's examples.
export const sin: (x: Variable) => Variable = unaryElemwise(
  'sin',
  (a) => `Math.sin(${a})`,
  (x, _z, gz) => mul(gz, cos(x)),
);
export const cos: (x: Variable) => Variable = unaryElemwise(
  'cos',
  (a) => `Math.cos(${a})`,
  (x, _z, gz) => neg(mul(gz, sin(x))),
);

/** sin whose gradient has the wrong sign: -cos(x). */
export const badSin = unaryElemwise(
  'badSin',
  (a) => `Math.sin(${a})`,
  (x, _z, gz) => neg(mul(gz, cos(x))),
);

/** exp whose gradient is 0.1% too large: too small for float32's tolerance, caught in float64. */
export const skewedExp = unaryElemwise(
  'skewedExp',
  (a) => `Math.exp(${a})`,
  (_x, z, gz) => mul(mul(gz, z), constant(1.001)),
);

/** Theano's FailOp (theano/sparse/tests): negation whose gradient forgot the sign. */
export const failNeg = unaryElemwise(
  'failNeg',
  (a) => `(-${a})`,
  (_x, _z, gz) => gz,
);

/** Theano's DoubleOp (doc/extending): 2x, with its gradient right, and with the `* 2` removed. */
export const double = unaryElemwise(
  'double',
  (a) => `(2 * ${a})`,
  (_x, _z, gz) => mul(gz, constant(2)),
);
export const badDouble = unaryElemwise(
  'badDouble',
  (a) => `(2 * ${a})`,
  (_x, _z, gz) => gz,
);

/** Values far from 1 with gradients off by a fixed amount: errors that exceed only one tolerance. */
export const bigScale = unaryElemwise(
  'bigScale',
  (a) => `(1e6 * ${a})`,
  (_x, _z, gz) => mul(gz, constant(1e6 + 1)),
);
export const tinyScale = unaryElemwise(
  'tinyScale',
  (a) => `(1e-6 * ${a})`,
  (_x, _z, gz) => mul(gz, constant(2e-6)),
);

const binaryElemwise = (name: string, render: (a: string, b: string) => string, grad: (x: Variable, y: Variable, gz: Variable) => (Variable | null)[]) => {
  const op = new Elemwise({ name, arity: 2, render: ([a, b]) => render(a!, b!), outDType: dtypeRules.arithmetic, grad: ([x, y], _z, gz) => grad(x!, y!, gz) });
  return (x: Variable, y: Variable): Variable => elemwise(op, x, y);
};

/** mul whose gradient forgets the term of its second operand (x * x gets x, not 2x; y gets nothing). */
export const forgetfulMul = binaryElemwise(
  'forgetfulMul',
  (a, b) => `(${a} * ${b})`,
  (x, y, gz) => [sumTo(mul(gz, y), x), zerosLike(y)],
);

/** add whose gradient is not reduced back to a broadcast operand's shape. */
export const unreducedAdd = binaryElemwise(
  'unreducedAdd',
  (a, b) => `(${a} + ${b})`,
  (_x, _y, gz) => [gz, gz],
);

/** An op that computes like `inner` and differentiates with `grad`. */
function withGrad(inner: Op, name: string, grad: Op['grad']): Op {
  return {
    name,
    params: inner.params,
    inferTypes: (inputs) => inner.inferTypes(inputs),
    outputShapes: (inputs, node) => inner.outputShapes(inputs, node),
    perform: (inputs, outputs, node) => inner.perform(inputs, outputs, node),
    grad,
    toString: () => name,
  };
}

/**
 * Max pooling (ignoreBorder, stride = ws) whose gradient goes to the top-left element of each window instead
 * of the window's maximum.
 */
export function wrongMaxPool(x: Variable, ws: [number, number] = [2, 2]): Variable {
  const inner = new Pool2d(resolvePoolOptions({ ws, ignoreBorder: true }));
  const op = withGrad(inner, 'wrongMaxPool', ([input], _o, [gz]) => {
    const v = input!;
    const lead = Array.from({ length: v.ndim - 2 }, () => T.slice());
    const rows = T.slice(0, gz!.shape(v.ndim - 2).mul(ws[0]), ws[0]);
    const cols = T.slice(0, gz!.shape(v.ndim - 1).mul(ws[1]), ws[1]);
    return [T.setSubtensor(zerosLike(v).get(...lead, rows, cols), gz!)];
  });
  return apply1(op, [x]);
}

/** softmax whose gradient lost the centring term: gz * sm instead of (gz - sum(gz * sm)) * sm. */
export function centerlessSoftmax(x: Variable): Variable {
  const probe = softmaxOp(x).owner!.op;
  return apply1(
    withGrad(probe, 'centerlessSoftmax', ([,], [sm], [gz]) => [mul(gz!, sm!)]),
    [x],
  );
}

/** dot whose gradient for its first operand misses a transpose: dot(gz, b), right only when b is symmetric. */
export function transposelessDot(a: Variable, b: Variable): Variable {
  const probe = T.dot(a, b).owner!.op;
  return apply1(
    withGrad(probe, 'transposelessDot', ([x, y], _o, [gz]) => [T.dot(gz!, y!), T.dot(x!.T, gz!)]),
    [a, b],
  );
}

/** The planted ops as random-graph ops, so graphArb can build graphs around them. */
export const plantedGraphOps: Record<string, GraphOp> = {
  badSin: { name: 'badSin', arity: 1, weight: 4, build: ([a]) => ({ v: badSin(a!.v), shape: a!.shape }) },
  skewedExp: { name: 'skewedExp', arity: 1, weight: 4, build: ([a]) => ({ v: skewedExp(a!.v), shape: a!.shape }) },
  failNeg: { name: 'failNeg', arity: 1, weight: 4, build: ([a]) => ({ v: failNeg(a!.v), shape: a!.shape }) },
  forgetfulMul: {
    name: 'forgetfulMul',
    arity: 2,
    weight: 4,
    build: ([a, b0]) => {
      const b = fitTo(a!, b0!);
      return { v: forgetfulMul(a!.v, b.v), shape: broadcastShapes(a!.shape, b.shape)! };
    },
  },
  unreducedAdd: {
    name: 'unreducedAdd',
    arity: 2,
    weight: 4,
    build: ([a, b0]) => {
      const b = fitTo(a!, b0!);
      return { v: unreducedAdd(a!.v, b.v), shape: broadcastShapes(a!.shape, b.shape)! };
    },
  },
  wrongMaxPool: {
    name: 'wrongMaxPool',
    arity: 1,
    weight: 4,
    build: ([a]) => {
      // Pools the last two axes with windows 2 wide; a narrower input becomes a (n, 2) matrix first.
      const s = a!.shape;
      const x: Built =
        s.length >= 2 && s[s.length - 1]! >= 2
          ? a!
          : { v: T.outer(T.flatten(a!.v), constant(new NDArray('float64', [2], Float64Array.of(1, -0.7)))), shape: [s.reduce((p, d) => p * d, 1), 2] };
      const h = x.shape[x.shape.length - 2]!;
      const ws: [number, number] = [Math.min(2, h), 2];
      const w = x.shape[x.shape.length - 1]!;
      return { v: wrongMaxPool(x.v, ws), shape: [...x.shape.slice(0, -2), Math.floor(h / ws[0]), Math.floor(w / 2)] };
    },
  },
  centerlessSoftmax: {
    name: 'centerlessSoftmax',
    arity: 1,
    weight: 4,
    build: ([a]) => {
      const s = a!.shape;
      const m = s.length === 2 ? a! : reshapeTo(a!, [s.slice(0, -1).reduce((p, d) => p * d, 1), s[s.length - 1] ?? 1]);
      return { v: centerlessSoftmax(m.v), shape: m.shape };
    },
  },
  transposelessDot: {
    name: 'transposelessDot',
    arity: 1,
    weight: 4,
    build: ([a], _p, ctx) => {
      const s = a!.shape;
      const m = s.length === 2 ? a! : reshapeTo(a!, [s.slice(0, -1).reduce((p, d) => p * d, 1), s[s.length - 1] ?? 1]);
      const k = m.shape[1]!;
      const w = ctx.param([k, k]);
      return { v: transposelessDot(m.v, w.v), shape: m.shape };
    },
  },
};
