// A consumer's plain JavaScript program (ESM, no TypeScript): run with node from a fresh project that installed
// the packed tarball. Softmax regression on two points, one gradient step, as the README's example.
import * as theano from 'tsano';
import { T } from 'tsano';

const x = T.matrix('x', 'float64');
const y = T.ivector('y');
const w = theano.shared(theano.ndarray(new Float64Array(2 * 3), [2, 3], 'float64'), { name: 'w' });
const b = theano.shared(theano.ndarray(new Float64Array(3), [3], 'float64'), { name: 'b' });

const p = T.nnet.softmax(T.dot(x, w).add(b));
const cost = T.mean(T.log(p).get(T.arange(y.shape(0)), y)).neg();
const [gw, gb] = T.grad(cost, [w, b]);
const updates = new Map([
  [w, w.sub(gw)],
  [b, b.sub(gb)],
]);
const train = theano.function([x, y], cost, { updates });

const images = theano.ndarray(new Float64Array([1, 0, 0, 1]), [2, 2]); // two points: the rows of the identity
const labels = theano.ndarray(new Int32Array([0, 1]), [2]);
const before = train(images, labels).item();
const after = train(images, labels).item();
console.log(
  JSON.stringify({
    before,
    after,
    kernels: train.kernels().length,
    debugprint: theano.printing.debugprint(cost).split('\n')[0],
  }),
);
