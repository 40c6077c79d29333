/**
 * The digit demo's model, written with tsano's public API only (no DOM), in the style of network3's SoftmaxLayer:
 * softmax regression p = softmax(x·w + b), weights starting at zero, trained by mini-batch SGD on the
 * log-likelihood cost, mini-batches taken from shared data through `givens`.
 */
import * as theano from '../src/index.js';
import { T } from '../src/index.js';

export interface DigitSet {
  count: number;
  /** count × 784 pixels in [0, 1], row-major. */
  pixels: Float32Array;
  labels: Int32Array;
}

export interface DigitModel {
  /** One epoch of SGD over the training set; returns the mean cost. */
  trainEpoch(): number;
  /** Fraction of `set` classified correctly. */
  accuracy(set: DigitSet): number;
  /** Class probabilities for one 784-pixel image. */
  probabilities(image: Float32Array): Float32Array;
}

export function softmaxRegression(train: DigitSet, { batchSize = 20, eta = 0.5 } = {}): DigitModel {
  const w = theano.shared(theano.ndarray(new Float32Array(784 * 10), [784, 10]), { name: 'w' });
  const b = theano.shared(theano.ndarray(new Float32Array(10), [10]), { name: 'b' });
  const trainX = theano.shared(theano.ndarray(train.pixels, [train.count, 784]), { name: 'trainX' });
  const trainY = theano.shared(theano.ndarray(train.labels, [train.count], 'int32'), { name: 'trainY' });

  const x = T.matrix('x');
  const y = T.ivector('y');
  const p = T.nnet.softmax(T.dot(x, w).add(b));
  const cost = T.mean(T.log(p).get(T.arange(y.shape(0)), y)).neg();
  const [gw, gb] = T.grad(cost, [w, b]);

  const i = T.iscalar('i');
  const batch = (data: theano.Variable) => data.get(T.slice(i.mul(batchSize), i.add(1).mul(batchSize)));
  const trainBatch = theano.function([i], cost, {
    updates: [
      [w, w.sub(gw.mul(eta))],
      [b, b.sub(gb.mul(eta))],
    ],
    givens: [
      [x, batch(trainX)],
      [y, batch(trainY)],
    ],
    name: 'train_mb',
  });
  const predict = theano.function([x], p, { name: 'predict' });
  const batches = Math.floor(train.count / batchSize);

  return {
    trainEpoch() {
      let total = 0;
      for (let k = 0; k < batches; k++) total += trainBatch(k).item();
      return total / batches;
    },
    accuracy(set) {
      const probs = predict(theano.ndarray(set.pixels, [set.count, 784])).data;
      let right = 0;
      for (let n = 0; n < set.count; n++) if (argmax(probs.subarray(n * 10, n * 10 + 10)) === set.labels[n]) right++;
      return right / set.count;
    },
    probabilities(image) {
      return Float32Array.from(predict(theano.ndarray(image, [1, 784])).data);
    },
  };
}

export function argmax(v: ArrayLike<number>): number {
  let best = 0;
  for (let k = 1; k < v.length; k++) if (v[k]! > v[best]!) best = k;
  return best;
}

/** Decodes the build script's export: base64 bytes 0..255 → floats in [0, 1]. */
export function decodeDigits(json: { count: number; pixels: string; labels: number[] }): DigitSet {
  const bytes = Uint8Array.from(atob(json.pixels), (c) => c.charCodeAt(0));
  return { count: json.count, pixels: Float32Array.from(bytes, (v) => v / 255), labels: Int32Array.from(json.labels) };
}
