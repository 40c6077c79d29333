import { describe, expect, it } from 'vitest';
import * as theano from '../../src/index.js';
import { T, BackendError, CompileError, NanGuardError, TsanoError } from '../../src/index.js';
import type { Op } from '../../src/ir/op.js';
import { apply1 } from '../../src/ir/op.js';
import { TensorType } from '../../src/ir/type.js';
import { FunctionGraph } from '../../src/ir/fgraph.js';
import { runRules, type Rule } from '../../src/passes/rewrite.js';
import { neg } from '../../src/ops/elemwise/neg.js';
import { sub } from '../../src/ops/elemwise/sub.js';
import { parseFlags } from '../../src/util/config.js';

describe('NAN_GUARD', () => {
  it('names the node that produced the first NaN (log of a negative number inside a larger graph), with its site and input statistics', () => {
    const x = T.dvector('x');
    const w = T.dvector('w');
    const shifted = x.mul(2).sub(1);
    const logged = T.log(shifted); // the planted NaN: log(2 * 0.1 - 1)
    const cost = T.exp(logged.add(w)).sum().add(T.sqr(w).sum());
    const f = theano.function([x, w], cost, { mode: 'NAN_GUARD' });
    expect(f([1, 2], [0, 1]).item()).toBeCloseTo(Math.exp(0) + Math.exp(Math.log(3) + 1) + 1, 12);
    const call = () => f([1, 0.1, 2], [0, 1, 2]);
    expect(call).toThrow(NanGuardError);
    expect(call).toThrow(/^NAN_GUARD: log produced 1 NaN \(first at flat index 1 of shape \(3\)\); Created at test\/compile\/guards\.test\.ts:\d+\./);
    expect(call).toThrow(/its inputs: the output of sub \(float64 vector, shape \(3,\)\): min -0\.8, max 3/);
    // FAST_RUN computes the NaN silently, as Theano does.
    expect(theano.function([x, w], cost)([1, 0.1, 2], [0, 1, 2]).item()).toBeNaN();
  });

  it('a NaN in the data is reported as the input, before any kernel', () => {
    const x = T.dvector('x');
    const f = theano.function([x], x.mul(2), { mode: 'NAN_GUARD' });
    expect(() => f([1, NaN])).toThrow(/^NAN_GUARD: input 'x' \(float64 vector, shape \(2,\)\): min 1, max 1, mean 1\.000, 1 NaN, before any kernel ran/);
  });
});

describe('an exception inside a kernel', () => {
  it('is rethrown as a BackendError naming the node, its inputs and where it was created', () => {
    const broken: Op = {
      name: 'broken',
      inferTypes: ([a]) => [new TensorType(a!.dtype, a!.type.shape)],
      outputShapes: ([a]) => [a!.shape.slice()],
      perform: () => {
        throw new TypeError('cannot read properties of undefined');
      },
      grad: () => [null],
      toString: () => 'broken',
    };
    const x = T.dvector('x');
    const y = apply1(broken, [x]);
    y.name = 'y';
    const f = theano.function([x], y);
    expect(() => f([1, 2])).toThrow(BackendError);
    expect(() => f([1, 2])).toThrow(
      /^broken, computing 'y': the kernel failed \(TypeError: cannot read properties of undefined\); inputs 'x' \(float64 vector, shape \(2,\)\); Created at test\/compile\/guards\.test\.ts:50\. This is a bug in tsano/,
    );
  });

  it("tsano's own errors pass through unchanged", () => {
    const x = T.dmatrix('x');
    const f = theano.function([x], T.dot(x, x));
    expect(() => f([[1, 2]])).toThrow(/^dot: inner dimensions differ/);
  });
});

describe('memory limit', () => {
  it('a graph whose static shapes need more than the limit fails at compile time with the size', () => {
    const x = T.tensor('float64', [1024, 1024], 'x');
    const prev = theano.config.memoryLimit;
    theano.config.memoryLimit = 4;
    try {
      expect(() => theano.function([x], x.mul(2).add(1).exp())).toThrow(CompileError);
      expect(() => theano.function([x], x.mul(2))).toThrow(/the function's buffers would need 8\.0 MiB .* over the memory limit of 4\.0 MiB/);
    } finally {
      theano.config.memoryLimit = prev;
    }
  });

  it('shapes known only at call time are checked before allocating, naming the variable and the shape', () => {
    const x = T.dvector('x');
    const f = theano.function([x], T.outer(x, x));
    const prev = theano.config.memoryLimit;
    theano.config.memoryLimit = 1;
    try {
      // Limits are read when a function is compiled.
      const g = theano.function([x], T.outer(x, x));
      expect(() => g(new Float64Array(1000))).toThrow(/over the memory limit of 1\.0 MiB, when it allocates .*shape \(1000, 1000\)/);
      expect(g(new Float64Array(10)).shape).toEqual([10, 10]);
    } finally {
      theano.config.memoryLimit = prev;
    }
    expect(f(new Float64Array(1000)).shape).toEqual([1000, 1000]);
  });

  it('bad limits and flags are typed errors', () => {
    expect(() => (theano.config.memoryLimit = -1)).toThrow(TsanoError);
    expect(() => parseFlags('memoryLimit=abc')).toThrow(/memoryLimit must be a positive number of MiB/);
    expect(() => parseFlags('nosuch=1')).toThrow(TsanoError);
  });
});

describe('bounded compile time', () => {
  it('a rule that keeps firing is a CompileError naming it, not a hang', () => {
    const toSub: Rule = {
      name: 'negToSub',
      doc: '-x -> 0 - x',
      tags: [],
      tracks: ['neg'],
      rewrite: (node) => [sub(T.constant(0, 'float64'), node.inputs[0]!)],
    };
    const toNeg: Rule = { name: 'subToNeg', doc: '0 - x -> -x', tags: [], tracks: ['sub'], rewrite: (node) => [neg(node.inputs[1]!)] };
    const flip = [toSub, toNeg];
    const x = T.dvector('x');
    const fg = new FunctionGraph([x], [neg(x)]);
    expect(() => runRules(fg, 'test', flip)).toThrow(CompileError);
    expect(() => runRules(new FunctionGraph([x], [neg(x)]), 'test', flip)).toThrow(
      /did not reach a fixed point in \d+ sweeps; still firing: (negToSub|subToNeg)/,
    );
  });
});
