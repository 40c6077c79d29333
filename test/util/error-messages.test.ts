/**
 * One realistic trigger per error class, through the public API with user-named variables. Each message must
 * name the op, the user's variables with their types and shapes, and the line of this file that created the
 * node (or declared the input) — the shape src/util/errors.ts documents:
 * "<op>: <what is wrong>; <each input by user name with its type and shape>; created at <file:line>; <hint>".
 * Lines are found by the `// @site:name` markers below, so reformatting the file does not break the test.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as theano from '../../src/index.js';
import { T } from '../../src/index.js';

const source = readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n');
/** "Created at test/util/error-messages.test.ts:<line>" for the line marked `// @site:<name>`. */
function site(name: string): string {
  const line = source.findIndex((l) => l.includes(`// @site:${name}`) && !l.includes('site(')) + 1;
  if (line === 0) throw new Error(`no line marked @site:${name}`);
  return `Created at test/util/error-messages.test.ts:${line}`;
}

function caught(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

/** The message contains every part, in the order given (op first, the site after the variables). */
function expectParts(e: Error, parts: readonly string[]): void {
  let at = 0;
  for (const p of parts) {
    const k = e.message.indexOf(p, at);
    expect(k, `${JSON.stringify(p)} in order in: ${e.message}`).toBeGreaterThanOrEqual(0);
    at = k + p.length;
  }
}

describe('ShapeError', () => {
  it('when the graph is built: reshape to a size that cannot hold the elements', () => {
    const images = T.tensor('float32', [2, 3], 'images');
    const e = caught(() => images.reshape([4, 2])); // @site:reshape
    expect(e).toBeInstanceOf(theano.ShapeError);
    expectParts(e, ['reshape: cannot reshape', "'images' (float32 matrix (2, 3))", '(6 elements) to (4, 2)', site('reshape')]);
  });

  it('at run time: operands that do not broadcast, named with the shapes of their values', () => {
    const a = T.matrix('activations');
    const b = T.matrix('bias');
    const f = theano.function([a, b], a.add(b)); // @site:add
    const e = caught(() => f([[1, 2, 3]], [[1, 2]]));
    expect(e).toBeInstanceOf(theano.ShapeError);
    expectParts(e, ['add:', "'activations' (float32 matrix, shape (1, 3))", "'bias' (float32 matrix, shape (1, 2))", site('add')]);
  });

  it('at run time: a value that does not fit the region setSubtensor writes', () => {
    const grid = T.matrix('grid');
    const row = T.vector('row');
    const f = theano.function([grid, row], T.setSubtensor(grid.get(0), row)); // @site:set
    const e = caught(() => f([[1, 2, 3]], [1, 2]));
    expect(e).toBeInstanceOf(theano.ShapeError);
    expectParts(e, ['setSubtensor:', "'row' (float32 vector, shape (2,))", 'region (3,)', "'grid' (float32 matrix, shape (1, 3))", site('set')]);
  });
});

describe('DTypeError', () => {
  it('an input of the wrong rank for conv2d', () => {
    const images = T.tensor('float32', [null, 784], 'images');
    const filters = T.tensor4('filters');
    const e = caught(() => T.nnet.conv2d(images, filters)); // @site:conv
    expect(e).toBeInstanceOf(theano.DTypeError);
    expectParts(e, ['conv2d: the input must be a 4-d tensor', "'images' (float32 matrix (?, 784))", site('conv')]);
  });

  it('an axis out of range lists the valid ones', () => {
    const scores = T.tensor('float64', [10, 3], 'scores');
    const e = caught(() => scores.sum(2)); // @site:axis
    expect(e).toBeInstanceOf(theano.DTypeError);
    expectParts(e, ['sum: axis 2 is out of range', "'scores' (float64 matrix (10, 3))", 'valid axes are -2..1', site('axis')]);
  });

  it('an unknown dtype names the constructor and the valid dtypes', () => {
    const e = caught(() => T.matrix('labels', 'int64' as never)); // @site:dtype
    expect(e).toBeInstanceOf(theano.DTypeError);
    expectParts(e, [
      "T.matrix 'labels': unknown dtype 'int64'",
      'float64, float32, int32, uint8, bool',
      'JavaScript has no fast 64-bit integers',
      site('dtype'),
    ]);
  });
});

describe('InputError and its subclasses', () => {
  it('MissingInputError names the missing variable, the inputs given, and where it was declared', () => {
    const x = T.matrix('x');
    const labels = T.ivector('labels'); // @site:labels
    const e = caught(() => theano.function([x], x.sum(1).add(labels)));
    expect(e).toBeInstanceOf(theano.MissingInputError);
    expect(e).toBeInstanceOf(theano.InputError);
    expectParts(e, ['theano.function:', "'labels' (int32 vector)", 'not among the inputs [x]', site('labels')]);
  });

  it('UnusedInputError names the input and how to allow it', () => {
    const x = T.matrix('x');
    const mask = T.matrix('mask');
    const e = caught(() => theano.function([x, mask], x.sum()));
    expect(e).toBeInstanceOf(theano.UnusedInputError);
    expect(e).toBeInstanceOf(theano.InputError);
    expectParts(e, ['theano.function:', "'mask' (float32 matrix)", 'is not used', "onUnusedInput: 'warn' or 'ignore'"]);
  });

  // src/compile/function.ts builds this message and may not be edited here: it lacks where 'mask' was declared.
  it('UnusedInputError also says where the unused input was declared', () => {
    const x = T.matrix('x');
    const mask = T.matrix('mask'); // @site:mask
    expectParts(
      caught(() => theano.function([x, mask], x.sum())),
      [site('mask')],
    );
  });

  it('InputValueError names the function, the input, the shape it got, and where the input was declared', () => {
    const images = T.matrix('images'); // @site:images
    const f = theano.function([images], images.sum(), { name: 'evaluate' });
    const e = caught(() => f(new Float32Array(784)));
    expect(e).toBeInstanceOf(theano.InputValueError);
    expect(e).toBeInstanceOf(theano.InputError);
    expectParts(e, ["input 'images' (index 0) of function 'evaluate' expects a float32 matrix", 'got shape [784], a vector', site('images')]);
  });

  it('InputValueError for values that would lose precision says how to allow rounding', () => {
    const w = T.fvector('weights'); // @site:weights
    const f = theano.function([w], w.sum());
    const e = caught(() => f(theano.ndarray([0.1, 0.2], undefined, 'float64')));
    expect(e).toBeInstanceOf(theano.InputValueError);
    expectParts(e, ["input 'weights' (index 0)", 'float64 values', 'allowInputDowncast: true', site('weights')]);
  });
});

describe('gradient errors', () => {
  it('DisconnectedInputError names the cost, the variable and the T.grad call', () => {
    const x = T.matrix('x');
    const bias = T.tensor('float32', [10], 'bias');
    const cost = x.sum();
    cost.name = 'cost';
    const e = caught(() => T.grad(cost, bias)); // @site:grad
    expect(e).toBeInstanceOf(theano.DisconnectedInputError);
    expectParts(e, ["grad: 'cost' does not depend on 'bias' (float32 vector (10,))", "disconnectedInputs: 'ignore' or 'warn'", site('grad')]);
  });

  it('GradientError for a cost that is not a scalar names it with its shape and where it was made', () => {
    const x = T.tensor('float32', [5, 3], 'x');
    const w = T.tensor('float32', [3], 'w');
    const scores = x.dot(w); // @site:scores
    scores.name = 'scores';
    const e = caught(() => T.grad(scores, w));
    expect(e).toBeInstanceOf(theano.GradientError);
    expectParts(e, ["grad: the cost must be a scalar; got 'scores' (float32 vector (5,))", 'T.sum or T.mean', site('scores')]);
  });
});

describe('UpdateError (a CompileError)', () => {
  it('an update of another rank names the shared variable with its shape, the update and its line', () => {
    const w = theano.shared(theano.ndarray(new Float32Array(6), [3, 2]), { name: 'W' });
    const total = w.sum(); // @site:total
    total.name = 'total';
    const e = caught(() => theano.function([], [], { updates: [[w, total]] }));
    expect(e).toBeInstanceOf(theano.UpdateError);
    expect(e).toBeInstanceOf(theano.CompileError);
    expectParts(e, [
      "theano.function: the update of shared variable 'W' (float32 matrix)",
      "'total' (float32 scalar)",
      'it must be a float32 matrix',
      'value of shape (3, 2)',
      site('total'),
      'Reshape or reduce it',
    ]);
  });

  it('an update that is not a variable names the shared variable and the junk', () => {
    const w = theano.shared(theano.ndarray(new Float32Array(2), [2]), { name: 'W' }); // @site:W
    const e = caught(() => theano.function([], [], { updates: [[w, 'W - 0.1' as never]] }));
    expect(e).toBeInstanceOf(theano.UpdateError);
    expectParts(e, ["the update of 'W' (float32 vector)", 'the string "W - 0.1"', site('W')]);
  });
});

describe('IndexError', () => {
  it('an index out of bounds at run time names the variable, its shape, the bound and the line', () => {
    const table = T.matrix('table');
    const row = T.iscalar('row');
    const f = theano.function([table, row], table.get(row)); // @site:get
    const e = caught(() =>
      f(
        [
          [1, 2],
          [3, 4],
          [5, 6],
        ],
        5,
      ),
    );
    expect(e).toBeInstanceOf(theano.IndexError);
    expectParts(e, ['subtensor: index 5 is out of bounds for axis 0', "'table' (float32 matrix, shape (3, 2)), of size 3", site('get')]);
  });

  it('a label out of range in advanced indexing names the label vector and its position', () => {
    const logp = T.matrix('logp');
    const labels = T.ivector('labels');
    const f = theano.function([logp, labels], logp.get(T.arange(labels.shape(0)), labels)); // @site:pick
    const e = caught(() =>
      f(
        [
          [0, 1, 2],
          [3, 4, 5],
        ],
        [2, 7],
      ),
    );
    expect(e).toBeInstanceOf(theano.IndexError);
    expectParts(e, [
      'advancedSubtensor: index 7 is out of bounds for axis 1',
      "'logp' (float32 matrix, shape (2, 3)), of size 3",
      "element 1 of the index vector 'labels' (int32 vector, shape (2,))",
      site('pick'),
    ]);
  });

  it('a constant index beyond a size known when the graph is built fails at once', () => {
    const v = T.tensor('float64', [4], 'v');
    const e = caught(() => v.get(4)); // @site:static
    expect(e).toBeInstanceOf(theano.IndexError);
    expectParts(e, ["get: index 4 is out of bounds for axis 0 of 'v' (float64 vector (4,)), of size 4", site('static')]);
  });
});
