/**
 * The `Network` class of network3.py: builds the symbolic graph through its layers and trains it with mini-batch SGD.
 *
 * Beyond the book's listing (the chapter's problems): early stopping, the accuracy and predictions on any data set,
 * a learning rate that may be a function of the epoch, and training accuracy per epoch for overfitting diagnostics.
 */
import * as theano from '../../src/index.js';
import { T, type NDArray, type SharedVariable, type Variable } from '../../src/index.js';
import { size, type SharedData } from './data.js';
import { isOutputLayer, type Layer, type OutputLayer } from './layers.js';
import { Progress, formatDuration } from './progress.js';
import { etaAt, type Eta } from './schedules.js';

export interface EpochResult {
  epoch: number;
  /** The iteration (mini-batches trained so far, minus one) at the end of the epoch, as the book counts. */
  iteration: number;
  /** The learning rate used in this epoch. */
  eta: number;
  validationAccuracy: number;
  /**
   * Test accuracy after this epoch: computed when the validation accuracy is the best to date (the book's rule),
   * or every epoch with `testEveryEpoch`; null otherwise.
   */
  testAccuracy: number | null;
  /** Accuracy on the first training images (see SGDOptions.trainingAccuracySize); null when not asked for. */
  trainingAccuracy: number | null;
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
  /** Whether early stopping ended training before the requested number of epochs. */
  stoppedEarly: boolean;
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
  /**
   * Early stopping: stop when the validation accuracy has not improved (strictly) for this many epochs in a row.
   * Undefined or 0: train all epochs, as the book.
   */
  earlyStopping?: number;
  /**
   * Overfitting diagnostics: after every epoch, also measure the accuracy (without dropout) on the first this many
   * training images (rounded down to whole mini-batches). 0 or undefined: off.
   */
  trainingAccuracySize?: number;
  /** Called after every epoch with its result and those so far (e.g. to save them). */
  onEpoch?: (epoch: EpochResult, soFar: readonly EpochResult[]) => void;
  /** Seconds clock (default performance.now()/1000); injectable for tests. */
  now?: () => number;
}

/** "{0:.2%}" in Python. */
export function formatPercent(v: number): string {
  return `${(v * 100).toFixed(2)}%`;
}

/** Predictions and true labels of a whole data set. */
export interface Evaluation {
  predictions: Int32Array;
  labels: Int32Array;
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
  /** Compiled evaluators per data set (keyed by its shared images). */
  private readonly evaluators = new WeakMap<SharedVariable, (start: number) => NDArray[]>();

  /**
   * Takes a list of `layers`, describing the network architecture, and a value for the `miniBatchSize` to be used
   * during training by stochastic gradient descent.
   */
  constructor(layers: Layer[], miniBatchSize: number) {
    if (layers.length === 0) throw new Error('Network: needs at least one layer');
    if (!Number.isInteger(miniBatchSize) || miniBatchSize <= 0) throw new RangeError(`Network: miniBatchSize must be a positive integer; got ${miniBatchSize}`);
    for (let j = 1; j < layers.length; j++) {
      const prev = layers[j - 1]!;
      const layer = layers[j]!;
      if (prev.outputSize !== layer.inputSize) {
        throw new RangeError(
          `Network: layer ${j} (${layer.constructor.name}) takes ${layer.inputSize} inputs per example, but layer ${j - 1} (${prev.constructor.name}) gives ${prev.outputSize}`,
        );
      }
    }
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

  private checkData(data: SharedData, what: string): void {
    const shape = data[0].getValue({ borrow: true }).shape;
    const need = this.layers[0]!.inputSize;
    if (shape.length !== 2 || shape[1] !== need) {
      throw new RangeError(`Network: ${what} images have ${shape.slice(1).join('x') || 'no'} values each, but the first layer takes ${need}`);
    }
  }

  /**
   * Predictions (without dropout) and labels of every example of `data`. The network works on whole mini-batches,
   * so a last partial batch is evaluated in the window of the last `miniBatchSize` examples.
   */
  evaluate(data: SharedData): Evaluation {
    this.checkData(data, 'the evaluated');
    const n = size(data);
    const bs = this.miniBatchSize;
    if (n < bs) throw new RangeError(`Network: ${n} examples make no mini-batch of ${bs}`);
    const [dataX, dataY] = data;
    let f = this.evaluators.get(dataX);
    if (!f) {
      const start = T.lscalar('start');
      const window = (d: Variable): Variable => d.get(T.slice(start, start.add(bs)));
      f = theano.function([start], [this.outputLayer().yOut, this.y], {
        givens: [
          [this.x, window(dataX)],
          [this.y, window(dataY)],
        ],
        name: 'mb_predictions',
      });
      this.evaluators.set(dataX, f);
    }
    const predictions = new Int32Array(n);
    const labels = new Int32Array(n);
    for (let s = 0; s < n; s += bs) {
      const start = Math.min(s, n - bs);
      const [p, y] = f(start) as [NDArray, NDArray];
      for (let k = s - start; k < bs; k++) {
        predictions[start + k] = p.data[k]!;
        labels[start + k] = y.data[k]!;
      }
    }
    return { predictions, labels };
  }

  /** The predicted digit of every example of `data`. */
  predict(data: SharedData): Int32Array {
    return this.evaluate(data).predictions;
  }

  /** The fraction of `data` classified correctly (every example counts, also a last partial mini-batch). */
  accuracy(data: SharedData): number {
    const { predictions, labels } = this.evaluate(data);
    let right = 0;
    for (let k = 0; k < predictions.length; k++) if (predictions[k] === labels[k]) right++;
    return right / predictions.length;
  }

  /**
   * The book's `train_mb`: the regularised log-likelihood cost of mini-batch i, with the updates param - eta·grad.
   * Options reach `theano.function` (e.g. `{ mode, profile }`, used by examples/inspect-network3.ts).
   */
  trainingFunction(
    trainingData: SharedData,
    eta: Variable,
    lmbda: number,
    numTrainingBatches: number,
    fnOptions: Partial<theano.FunctionOptions> = {},
  ): theano.TsanoFunction<NDArray> {
    const [trainingX, trainingY] = trainingData;
    // define the (regularized) cost function, symbolic gradients, and updates
    const l2NormSquared = this.layers.map((layer) => layer.w.sqr().sum()).reduce((a, b) => a.add(b));
    const cost = this.outputLayer()
      .cost(this)
      .add(l2NormSquared.mul(0.5 * lmbda).div(numTrainingBatches));
    const grads = T.grad(cost, this.params);
    const updates = this.params.map((param, k) => [param, param.sub(grads[k]!.mul(eta))] as [Variable, Variable]);
    const i = T.lscalar('i'); // mini-batch index
    const bs = this.miniBatchSize;
    const batch = (data: Variable): Variable => data.get(T.slice(i.mul(bs), i.add(1).mul(bs)));
    return theano.function([i], cost, {
      ...fnOptions,
      updates,
      givens: [
        [this.x, batch(trainingX)],
        [this.y, batch(trainingY)],
      ],
      name: 'train_mb',
    });
  }

  /**
   * Train the network using mini-batch stochastic gradient descent. `eta` is a number or a function of the epoch
   * (see schedules.ts).
   */
  SGD(
    trainingData: SharedData,
    epochs: number,
    miniBatchSize: number,
    eta: Eta,
    validationData: SharedData,
    testData: SharedData | null,
    lmbda = 0.0,
    opts: SGDOptions = {},
  ): SGDResult {
    const log = opts.log ?? ((line: string) => console.log(line));
    const now = opts.now ?? (() => performance.now() / 1000);
    const progressStream = opts.progress === false ? undefined : opts.progress === true || opts.progress === undefined ? process.stderr : opts.progress;
    if (!Number.isInteger(epochs) || epochs < 0) throw new RangeError(`SGD: epochs must be a non-negative integer; got ${epochs}`);
    const patience = opts.earlyStopping ?? 0;
    if (!Number.isInteger(patience) || patience < 0) throw new RangeError(`SGD: earlyStopping must be a non-negative integer; got ${patience}`);
    // The book slices with the network's size and counts batches with this one; they must agree.
    if (miniBatchSize !== this.miniBatchSize) {
      throw new RangeError(
        `SGD: miniBatchSize ${miniBatchSize} differs from the network's ${this.miniBatchSize} (the layers' reshapes are built for that one)`,
      );
    }
    const outputLayer = this.outputLayer();
    this.checkData(trainingData, 'training');
    this.checkData(validationData, 'validation');
    if (testData) this.checkData(testData, 'test');
    // (the training data is sliced inside trainingFunction)
    const [validationX, validationY] = validationData;

    // compute number of minibatches for training, validation and testing
    const numTrainingBatches = Math.floor(size(trainingData) / miniBatchSize);
    const numValidationBatches = Math.floor(size(validationData) / miniBatchSize);
    const numTestBatches = testData ? Math.floor(size(testData) / miniBatchSize) : 0;
    const numTrainEvalBatches = Math.min(numTrainingBatches, Math.floor((opts.trainingAccuracySize ?? 0) / miniBatchSize));
    if (numTrainingBatches === 0) throw new RangeError(`SGD: ${size(trainingData)} training examples make no mini-batch of ${miniBatchSize}`);
    if (numValidationBatches === 0) throw new RangeError(`SGD: ${size(validationData)} validation examples make no mini-batch of ${miniBatchSize}`);

    const t0 = now();
    // The learning rate lives in a shared scalar so a schedule can change it between epochs without recompiling.
    const etaShared = theano.shared(theano.ndarray(etaAt(eta, 0, [])), { name: 'eta' });
    const trainMb = this.trainingFunction(trainingData, etaShared, lmbda, numTrainingBatches);
    const i = T.lscalar('i'); // mini-batch index
    const bs = this.miniBatchSize;
    const batch = (data: Variable): Variable => data.get(T.slice(i.mul(bs), i.add(1).mul(bs)));
    const accuracyOn = ([dataX, dataY]: SharedData, name: string): ((j: number) => NDArray) =>
      theano.function([i], outputLayer.accuracy(this.y), {
        givens: [
          [this.x, batch(dataX)],
          [this.y, batch(dataY)],
        ],
        name,
      });
    const validateMbAccuracy = accuracyOn([validationX, validationY], 'validate_mb_accuracy');
    const trainMbAccuracy = numTrainEvalBatches > 0 ? accuracyOn(trainingData, 'train_mb_accuracy') : undefined;
    let testMbAccuracy: ((j: number) => NDArray) | undefined;
    if (testData) {
      testMbAccuracy = accuracyOn(testData, 'test_mb_accuracy');
      this.testMbPredictions = theano.function([i], outputLayer.yOut, { givens: [[this.x, batch(testData[0])]], name: 'test_mb_predictions' });
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
    let sinceImproved = 0;
    let stoppedEarly = false;
    let etaNow = etaAt(eta, 0, []);
    const results: EpochResult[] = [];
    for (let epoch = 0; epoch < epochs; epoch++) {
      const epochEta = etaAt(eta, epoch, results);
      if (epochEta !== etaNow || (epoch === 0 && typeof eta !== 'number')) log(`Learning rate for epoch ${epoch}: ${epochEta}`);
      etaNow = epochEta;
      etaShared.setValue(theano.ndarray(epochEta));
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
          const trainingAccuracy = trainMbAccuracy ? meanAccuracy(trainMbAccuracy, numTrainEvalBatches) : null;
          const validationEnd = now();
          log(`Epoch ${epoch}: validation accuracy ${formatPercent(validationAccuracy)}`);
          sinceImproved = validationAccuracy > bestValidationAccuracy || bestIteration < 0 ? 0 : sinceImproved + 1;
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
            eta: epochEta,
            validationAccuracy,
            testAccuracy: epochTest,
            trainingAccuracy,
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
      log(
        `Epoch ${epoch} took ${formatDuration(r.seconds)} (training ${formatDuration(r.trainSeconds)}, evaluation ${formatDuration(r.validationSeconds + r.testSeconds)})`,
      );
      results.push(r);
      opts.onEpoch?.(r, results);
      if (patience > 0 && sinceImproved >= patience && epoch + 1 < epochs) {
        log(`Early stopping: the validation accuracy has not improved for ${patience} epoch${patience === 1 ? '' : 's'}.`);
        stoppedEarly = true;
        break;
      }
    }
    log('Finished training network.');
    if (bestIteration >= 0) {
      log(`Best validation accuracy of ${formatPercent(bestValidationAccuracy)} obtained at iteration ${bestIteration}`);
      if (testAccuracy !== null) log(`Corresponding test accuracy of ${formatPercent(testAccuracy)}`);
    }
    return { epochs: results, bestValidationAccuracy, bestIteration, testAccuracy, stoppedEarly, compileSeconds, totalSeconds: now() - t0 };
  }
}
