/**
 * A consumer's TypeScript program, as the packaging test runs it: copied into a fresh project that installed the
 * packed tarball, type-checked against the installed .d.ts files, emitted by tsc and run with node. In the
 * repository, tsconfig.json maps 'tsano' to src/, so the same file type-checks here too.
 */
import * as theano from 'tsano';
import { T, MissingInputError, type NDArray, type TsanoFunction, type Variable } from 'tsano';

// cost = sum((x * w)²): dcost/dw = 2 x² w.
const x: Variable = T.dvector('x');
const w = theano.shared(theano.ndarray([1, 2, 3], [3], 'float64'), { name: 'w' });
const cost = T.sum(T.sqr(x.mul(w)));
const gw = T.grad(cost, w);
const step: TsanoFunction<NDArray[]> = theano.function([x], [cost, gw], { updates: [[w, w.sub(gw.mul(0.1))]] });
const [c, g] = step([1, 1, 2]);

// A matrix expression: tanh(A · B) and its gradient with respect to A, through givens.
const a = T.dmatrix('a');
const b = T.dmatrix('b');
const y = T.tanh(T.dot(a, b));
const ga = T.grad(y.sum(), a);
const bValue = theano.ndarray(new Float64Array([1, 0, 0, 2]), [2, 2]);
const f = theano.function([a], [y, ga], { givens: new Map([[b, bValue]]) });
const [yv, gav] = f(theano.ndarray(new Float64Array([0.5, 0.25, 1, -1]), [2, 2]));

// Errors are classes users can catch; the creation site names this file, not the package.
let missing = '';
try {
  theano.function([x], cost.add(T.dscalar('z')));
} catch (e) {
  if (e instanceof MissingInputError) missing = e.message;
}

// The typings are real, not `any`: these misuses do not compile.
// @ts-expect-error T.grad takes variables, not numbers
void (() => T.grad(cost, 3));
// @ts-expect-error a single output gives one NDArray, not an array
void (() => theano.function([x], cost)(1)[0].shape);

console.log(
  JSON.stringify({
    cost: c!.item(),
    grad: Array.from(g!.data),
    w: w.getValue().toArray(),
    y: yv!.toArray(),
    ga: gav!.toArray(),
    missing,
  }),
);
