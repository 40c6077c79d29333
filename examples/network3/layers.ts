/**
 * The layer types of network3.py: ConvPoolLayer, FullyConnectedLayer, SoftmaxLayer, and `dropoutLayer`.
 *
 * Initialisations follow the book: fully-connected and convolutional weights ~ N(0, sqrt(1/nOut)), biases ~ N(0, 1),
 * softmax weights and biases zero. Each layer can describe itself (`spec()`) so a network can be saved and rebuilt.
 */
import * as theano from '../../src/index.js';
import { T, RandomState, type NDArray, type SharedVariable, type Variable } from '../../src/index.js';

//// Activation functions for neurons
export type ActivationFn = (z: Variable) => Variable;
export const linear: ActivationFn = (z) => z;
export const ReLU: ActivationFn = (z) => T.maximum(0.0, z);
export const sigmoid: ActivationFn = (z) => T.nnet.sigmoid(z);
export const tanh: ActivationFn = (z) => T.tanh(z);

/** The activation functions a saved network can name. */
export const ACTIVATIONS = { linear, ReLU, sigmoid, tanh } as const;
export type ActivationName = keyof typeof ACTIVATIONS;

export function activationName(fn: ActivationFn): ActivationName | undefined {
  return (Object.keys(ACTIVATIONS) as ActivationName[]).find((k) => ACTIVATIONS[k] === fn);
}

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
export function floatX(values: Float64Array | Float32Array, shape: number[]): NDArray {
  return theano.ndarray(values, shape, theano.config.floatX);
}

//// Layer interfaces
/** A layer's architecture: its kind and hyper-parameters (what a saved network records). */
export type LayerSpec =
  | {
      kind: 'ConvPoolLayer';
      filterShape: [number, number, number, number];
      imageShape: [number, number, number, number];
      poolsize: [number, number];
      activationFn: ActivationName;
    }
  | { kind: 'FullyConnectedLayer'; nIn: number; nOut: number; activationFn: ActivationName; pDropout: number }
  | { kind: 'SoftmaxLayer'; nIn: number; nOut: number; pDropout: number };

/** What `Network` needs of a layer. */
export interface Layer {
  readonly w: SharedVariable;
  readonly b: SharedVariable;
  readonly params: SharedVariable[];
  /** Inputs per example this layer takes (784 for a first layer on MNIST). */
  readonly inputSize: number;
  /** Outputs per example. */
  readonly outputSize: number;
  /** Set by `setInpt`. */
  readonly output: Variable;
  readonly outputDropout: Variable;
  setInpt(inpt: Variable, inptDropout: Variable, miniBatchSize: number): void;
  /** Kind and hyper-parameters; throws for a custom activation function, which a file cannot name. */
  spec(): LayerSpec;
}

/** A layer that can end a network: it has a cost, predictions and an accuracy. */
export interface OutputLayer extends Layer {
  readonly yOut: Variable;
  cost(net: { y: Variable }): Variable;
  accuracy(y: Variable): Variable;
}

export function isOutputLayer(layer: Layer): layer is OutputLayer {
  const l = layer as Partial<OutputLayer>;
  return typeof l.cost === 'function' && typeof l.accuracy === 'function';
}

function checkPositiveInts(layer: string, entries: [string, number][]): void {
  for (const [k, v] of entries) {
    if (!Number.isInteger(v) || v <= 0) throw new RangeError(`${layer}: ${k} must be a positive integer; got ${v}`);
  }
}

function checkDropout(layer: string, p: number): void {
  if (!(p >= 0 && p < 1)) throw new RangeError(`${layer}: pDropout must be in [0, 1); got ${p}`);
}

function nameOf(layer: string, fn: ActivationFn): ActivationName {
  const name = activationName(fn);
  if (!name) throw new Error(`${layer}: a custom activation function cannot be saved; use one of ${Object.keys(ACTIVATIONS).join(', ')}`);
  return name;
}

/** Holds what `setInpt` computes; reading it earlier is a clear error. */
abstract class BaseLayer {
  private outputs: { output: Variable; outputDropout: Variable; yOut: Variable | undefined } | undefined;

  protected abstract readonly kind: string;

  protected setOutputs(output: Variable, outputDropout: Variable, yOut?: Variable): void {
    this.outputs = { output, outputDropout, yOut };
  }

  private got(): { output: Variable; outputDropout: Variable; yOut: Variable | undefined } {
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
    const y = this.got().yOut;
    if (!y) throw new Error(`${this.kind}: has no predictions (yOut)`);
    return y;
  }

  /** The accuracy for the mini-batch. */
  accuracy(y: Variable): Variable {
    return T.mean(T.eq(y, this.yOut));
  }
}

//// Define layer types
export interface ConvPoolOptions {
  /** (number of filters, input feature maps, filter height, filter width). */
  filterShape: readonly [number, number, number, number];
  /** (mini-batch size, input feature maps, image height, image width). */
  imageShape: readonly [number, number, number, number];
  /** (y, x) pooling sizes. */
  poolsize?: readonly [number, number];
  activationFn?: ActivationFn;
  rng?: RandomState | number;
}

/**
 * Used to create a combination of a convolutional and a max-pooling layer. A more sophisticated implementation
 * would separate the two, but for our purposes we'll always use them together, and it simplifies the code, so it
 * makes sense to combine them.
 */
export class ConvPoolLayer extends BaseLayer implements Layer {
  protected readonly kind = 'ConvPoolLayer';
  readonly filterShape: [number, number, number, number];
  readonly imageShape: [number, number, number, number];
  readonly poolsize: [number, number];
  readonly activationFn: ActivationFn;
  readonly w: SharedVariable;
  readonly b: SharedVariable;
  readonly params: SharedVariable[];
  readonly inputSize: number;
  readonly outputSize: number;
  /** (filters, rows, cols) after convolution and pooling. */
  readonly outputShape: [number, number, number];
  inpt: Variable | undefined;

  constructor({ filterShape, imageShape, poolsize = [2, 2], activationFn = sigmoid, rng }: ConvPoolOptions) {
    super();
    if (filterShape.length !== 4) throw new RangeError(`ConvPoolLayer: filterShape must have 4 entries; got [${filterShape.join(', ')}]`);
    if (imageShape.length !== 4) throw new RangeError(`ConvPoolLayer: imageShape must have 4 entries; got [${imageShape.join(', ')}]`);
    if (poolsize.length !== 2) throw new RangeError(`ConvPoolLayer: poolsize must have 2 entries; got [${poolsize.join(', ')}]`);
    checkPositiveInts(this.kind, [
      ...filterShape.map((v, k) => [`filterShape[${k}]`, v] as [string, number]),
      ...imageShape.map((v, k) => [`imageShape[${k}]`, v] as [string, number]),
      ...poolsize.map((v, k) => [`poolsize[${k}]`, v] as [string, number]),
    ]);
    const [nFilters, inMaps, fh, fw] = filterShape;
    const [, imMaps, ih, iw] = imageShape;
    if (inMaps !== imMaps) {
      throw new RangeError(`ConvPoolLayer: filterShape[1] (${inMaps} input feature maps) differs from imageShape[1] (${imMaps})`);
    }
    const convH = ih - fh + 1;
    const convW = iw - fw + 1;
    const outH = Math.floor(convH / poolsize[0]);
    const outW = Math.floor(convW / poolsize[1]);
    if (convH < 1 || convW < 1 || outH < 1 || outW < 1) {
      throw new RangeError(`ConvPoolLayer: ${fh}x${fw} filters and ${poolsize[0]}x${poolsize[1]} pooling leave nothing of ${ih}x${iw} images`);
    }
    this.filterShape = [...filterShape];
    this.imageShape = [...imageShape];
    this.poolsize = [...poolsize];
    this.activationFn = activationFn;
    this.inputSize = imMaps * ih * iw;
    this.outputShape = [nFilters, outH, outW];
    this.outputSize = nFilters * outH * outW;
    // initialize weights and biases
    const nOut = (nFilters * fh * fw) / (poolsize[0] * poolsize[1]);
    const r = resolveRng(rng);
    this.w = theano.shared(floatX(r.normal(0, Math.sqrt(1.0 / nOut), nFilters * inMaps * fh * fw), [...filterShape]), { name: 'w', borrow: true });
    this.b = theano.shared(floatX(r.normal(0, 1.0, nFilters), [nFilters]), { name: 'b', borrow: true });
    this.params = [this.w, this.b];
  }

  setInpt(inpt: Variable, _inptDropout: Variable, miniBatchSize: number): void {
    if (miniBatchSize !== this.imageShape[0]) {
      throw new RangeError(`ConvPoolLayer: imageShape[0] (${this.imageShape[0]}) must be the network's mini-batch size (${miniBatchSize})`);
    }
    this.inpt = inpt.reshape(this.imageShape);
    const convOut = T.nnet.conv2d(this.inpt, this.w, { filterShape: this.filterShape, inputShape: this.imageShape });
    const pooledOut = T.signal.maxPool2d(convOut, { ws: this.poolsize, ignoreBorder: true });
    const output = this.activationFn(pooledOut.add(this.b.dimshuffle('x', 0, 'x', 'x')));
    this.setOutputs(output, output); // no dropout in the convolutional layers
  }

  spec(): LayerSpec {
    return {
      kind: 'ConvPoolLayer',
      filterShape: [...this.filterShape],
      imageShape: [...this.imageShape],
      poolsize: [...this.poolsize],
      activationFn: nameOf(this.kind, this.activationFn),
    };
  }
}

export interface FullyConnectedOptions {
  nIn: number;
  nOut: number;
  activationFn?: ActivationFn;
  pDropout?: number;
  /** Generator for the initial weights (default: the module's, see `seed`), or a seed for a fresh one. */
  rng?: RandomState | number;
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
    checkPositiveInts(this.kind, [
      ['nIn', nIn],
      ['nOut', nOut],
    ]);
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

  get inputSize(): number {
    return this.nIn;
  }
  get outputSize(): number {
    return this.nOut;
  }

  setInpt(inpt: Variable, inptDropout: Variable, miniBatchSize: number): void {
    this.inpt = inpt.reshape([miniBatchSize, this.nIn]);
    const output = this.activationFn(
      T.dot(this.inpt, this.w)
        .mul(1 - this.pDropout)
        .add(this.b),
    );
    const yOut = T.argmax(output, 1);
    this.inptDropout = dropoutLayer(inptDropout.reshape([miniBatchSize, this.nIn]), this.pDropout);
    const outputDropout = this.activationFn(T.dot(this.inptDropout, this.w).add(this.b));
    this.setOutputs(output, outputDropout, yOut);
  }

  spec(): LayerSpec {
    return { kind: 'FullyConnectedLayer', nIn: this.nIn, nOut: this.nOut, activationFn: nameOf(this.kind, this.activationFn), pDropout: this.pDropout };
  }
}

export interface SoftmaxOptions {
  nIn: number;
  nOut: number;
  pDropout?: number;
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
    checkPositiveInts(this.kind, [
      ['nIn', nIn],
      ['nOut', nOut],
    ]);
    checkDropout(this.kind, pDropout);
    this.nIn = nIn;
    this.nOut = nOut;
    this.pDropout = pDropout;
    // Initialize weights and biases: zeros, as the book
    this.w = theano.shared(floatX(new Float32Array(nIn * nOut), [nIn, nOut]), { name: 'w', borrow: true });
    this.b = theano.shared(floatX(new Float32Array(nOut), [nOut]), { name: 'b', borrow: true });
    this.params = [this.w, this.b];
  }

  get inputSize(): number {
    return this.nIn;
  }
  get outputSize(): number {
    return this.nOut;
  }

  setInpt(inpt: Variable, inptDropout: Variable, miniBatchSize: number): void {
    this.inpt = inpt.reshape([miniBatchSize, this.nIn]);
    const output = T.nnet.softmax(
      T.dot(this.inpt, this.w)
        .mul(1 - this.pDropout)
        .add(this.b),
    );
    const yOut = T.argmax(output, 1);
    this.inptDropout = dropoutLayer(inptDropout.reshape([miniBatchSize, this.nIn]), this.pDropout);
    const outputDropout = T.nnet.softmax(T.dot(this.inptDropout, this.w).add(this.b));
    this.setOutputs(output, outputDropout, yOut);
  }

  /** The log-likelihood cost: -mean(log(outputDropout)[arange(n), y]). */
  cost(net: { y: Variable }): Variable {
    return T.mean(T.log(this.outputDropout).get(T.arange(net.y.shape(0)), net.y)).neg();
  }

  spec(): LayerSpec {
    return { kind: 'SoftmaxLayer', nIn: this.nIn, nOut: this.nOut, pDropout: this.pDropout };
  }
}

/** Builds a fresh layer from its spec (weights initialised from `rng`, to be overwritten by a loader). */
export function layerFromSpec(spec: LayerSpec, rng?: RandomState | number): Layer {
  switch (spec.kind) {
    case 'ConvPoolLayer':
      return new ConvPoolLayer({
        filterShape: spec.filterShape,
        imageShape: spec.imageShape,
        poolsize: spec.poolsize,
        activationFn: ACTIVATIONS[spec.activationFn],
        ...(rng !== undefined ? { rng } : {}),
      });
    case 'FullyConnectedLayer':
      return new FullyConnectedLayer({
        nIn: spec.nIn,
        nOut: spec.nOut,
        activationFn: ACTIVATIONS[spec.activationFn],
        pDropout: spec.pDropout,
        ...(rng !== undefined ? { rng } : {}),
      });
    case 'SoftmaxLayer':
      return new SoftmaxLayer({ nIn: spec.nIn, nOut: spec.nOut, pDropout: spec.pDropout });
  }
}

/** "FullyConnectedLayer(nIn 640, nOut 100, ReLU, pDropout 0)" for messages. */
export function describeSpec(spec: LayerSpec): string {
  switch (spec.kind) {
    case 'ConvPoolLayer':
      return `ConvPoolLayer(filterShape [${spec.filterShape.join(', ')}], imageShape [${spec.imageShape.join(', ')}], poolsize [${spec.poolsize.join(', ')}], ${spec.activationFn})`;
    case 'FullyConnectedLayer':
      return `FullyConnectedLayer(nIn ${spec.nIn}, nOut ${spec.nOut}, ${spec.activationFn}, pDropout ${spec.pDropout})`;
    case 'SoftmaxLayer':
      return `SoftmaxLayer(nIn ${spec.nIn}, nOut ${spec.nOut}, pDropout ${spec.pDropout})`;
  }
}

//// Miscellanea
// One stream for the module (the book makes one per call of dropout_layer, always seeded with
// np.random.RandomState(0).randint(999999)); `seedDropout(seed)` reseeds it from a run's seed, so the masks follow
// --seed. Each binomial draw from it gets its own stream state, advanced on every call of a compiled function.
let srng: InstanceType<typeof T.RandomStreams> | undefined;
let srngSeed = 0;

/** The seed of the dropout stream for a run seed: `RandomState(seed).randint(999999)`, as the book derives its. */
export function dropoutStreamSeed(runSeed: number): number {
  return new RandomState(runSeed).randint(0, 999999)[0]!;
}

/** Reseeds the module's dropout stream from a run's seed (layers built afterwards draw from it). */
export function seedDropout(runSeed: number): void {
  srngSeed = runSeed;
  srng = undefined;
}

function randomStreams(): InstanceType<typeof T.RandomStreams> {
  srng ??= new T.RandomStreams(dropoutStreamSeed(srngSeed));
  return srng;
}

/**
 * `dropout_layer`: multiplies `layer` by a binomial mask of keep-probability 1 - pDropout, redrawn on every call of
 * a compiled function. pDropout = 0 returns `layer` itself (the book multiplies by a mask of ones).
 */
export function dropoutLayer(layer: Variable, pDropout: number): Variable {
  if (pDropout === 0) return layer;
  const size = layer.type.shape.map((d, i) => (d === null ? layer.shape(i) : d));
  const mask = randomStreams().binomial({ n: 1, p: 1 - pDropout, size });
  return layer.mul(T.cast(mask, theano.config.floatX));
}
