/**
 * The chapter's experiments by name ("Convolutional neural networks in practice"). Each entry states the book's
 * hyper-parameters and builds its layers; mini-batches of 10 throughout, as the book.
 */
import type { RandomState } from '../../src/index.js';
import { ConvPoolLayer, FullyConnectedLayer, ReLU, SoftmaxLayer, sigmoid, tanh, type ActivationFn, type Layer } from './layers.js';

export interface Experiment {
  name: string;
  /** One line for --help. */
  description: string;
  /** The book's hyper-parameters. */
  epochs: number;
  miniBatchSize: number;
  eta: number;
  lmbda: number;
  /** Train on the training data expanded by one-pixel shifts (expand_mnist.py: 5x the images). */
  expanded: boolean;
  /** An ensemble: this many networks of these layers, trained from different seeds, vote. */
  members?: number;
  /** The layers, initialised from `rng`, for mini-batches of `miniBatchSize`. */
  layers(rng: RandomState, miniBatchSize: number): Layer[];
}

/** The first convolutional-pooling layer: 20 5x5 filters over the 28x28 image, 2x2 max-pooling → 20x12x12. */
const conv20 = (rng: RandomState, mbs: number, activationFn: ActivationFn): ConvPoolLayer =>
  new ConvPoolLayer({ imageShape: [mbs, 1, 28, 28], filterShape: [20, 1, 5, 5], poolsize: [2, 2], activationFn, rng });

/** The second: 40 5x5 filters over the 20 12x12 maps, 2x2 max-pooling → 40x4x4. */
const conv40 = (rng: RandomState, mbs: number, activationFn: ActivationFn): ConvPoolLayer =>
  new ConvPoolLayer({ imageShape: [mbs, 20, 12, 12], filterShape: [40, 20, 5, 5], poolsize: [2, 2], activationFn, rng });

/** conv2's layers with one activation function throughout. */
const conv2Layers =
  (activationFn: ActivationFn) =>
  (rng: RandomState, mbs: number): Layer[] => [
    conv20(rng, mbs, activationFn),
    conv40(rng, mbs, activationFn),
    new FullyConnectedLayer({ nIn: 40 * 4 * 4, nOut: 100, activationFn, rng }),
    new SoftmaxLayer({ nIn: 100, nOut: 10 }),
  ];

const dropoutLayers = (rng: RandomState, mbs: number): Layer[] => [
  conv20(rng, mbs, ReLU),
  conv40(rng, mbs, ReLU),
  new FullyConnectedLayer({ nIn: 40 * 4 * 4, nOut: 1000, activationFn: ReLU, pDropout: 0.5, rng }),
  new FullyConnectedLayer({ nIn: 1000, nOut: 1000, activationFn: ReLU, pDropout: 0.5, rng }),
  new SoftmaxLayer({ nIn: 1000, nOut: 10, pDropout: 0.5 }),
];

const list: Experiment[] = [
  {
    name: 'shallow',
    description: "FC 784→100 sigmoid + softmax 100→10 (the chapter's baseline; the book reports 97.80%)",
    epochs: 60,
    miniBatchSize: 10,
    eta: 0.1,
    lmbda: 0.0,
    expanded: false,
    layers: (rng) => [new FullyConnectedLayer({ nIn: 784, nOut: 100, activationFn: sigmoid, rng }), new SoftmaxLayer({ nIn: 100, nOut: 10 })],
  },
  {
    name: 'conv1',
    description: 'ConvPool 20x1x5x5 + FC 2880→100 + softmax, sigmoid (book: 98.78%)',
    epochs: 60,
    miniBatchSize: 10,
    eta: 0.1,
    lmbda: 0.0,
    expanded: false,
    layers: (rng, mbs) => [
      conv20(rng, mbs, sigmoid),
      new FullyConnectedLayer({ nIn: 20 * 12 * 12, nOut: 100, activationFn: sigmoid, rng }),
      new SoftmaxLayer({ nIn: 100, nOut: 10 }),
    ],
  },
  {
    name: 'conv2',
    description: 'ConvPool 20 + ConvPool 40x20x5x5 + FC 640→100 + softmax, sigmoid (book: 99.06%)',
    epochs: 60,
    miniBatchSize: 10,
    eta: 0.1,
    lmbda: 0.0,
    expanded: false,
    layers: conv2Layers(sigmoid),
  },
  {
    // The chapter's problem: "the same hyper-parameters as for the sigmoid network, but train for 20 epochs".
    name: 'conv2-tanh',
    description: "conv2 with tanh in the conv and FC layers (the chapter's problem: 20 epochs)",
    epochs: 20,
    miniBatchSize: 10,
    eta: 0.1,
    lmbda: 0.0,
    expanded: false,
    layers: conv2Layers(tanh),
  },
  {
    name: 'conv2-relu',
    description: 'conv2 with ReLU, eta 0.03, lmbda 0.1 (book: 99.23%)',
    epochs: 60,
    miniBatchSize: 10,
    eta: 0.03,
    lmbda: 0.1,
    expanded: false,
    layers: conv2Layers(ReLU),
  },
  {
    name: 'conv2-relu-expanded',
    description: 'conv2-relu on the expanded training data, 250,000 images (book: 99.37%)',
    epochs: 60,
    miniBatchSize: 10,
    eta: 0.03,
    lmbda: 0.1,
    expanded: true,
    layers: conv2Layers(ReLU),
  },
  {
    name: 'conv2-relu-expanded-fc2',
    description: 'conv2-relu-expanded with two FC layers 640→100→100, ReLU (book: 99.43%)',
    epochs: 60,
    miniBatchSize: 10,
    eta: 0.03,
    lmbda: 0.1,
    expanded: true,
    layers: (rng, mbs) => [
      conv20(rng, mbs, ReLU),
      conv40(rng, mbs, ReLU),
      new FullyConnectedLayer({ nIn: 40 * 4 * 4, nOut: 100, activationFn: ReLU, rng }),
      new FullyConnectedLayer({ nIn: 100, nOut: 100, activationFn: ReLU, rng }),
      new SoftmaxLayer({ nIn: 100, nOut: 10 }),
    ],
  },
  {
    // The book's call has no lmbda here: net.SGD(expanded_training_data, 40, mini_batch_size, 0.03, validation_data, test_data).
    name: 'dropout',
    description: 'two ConvPool (ReLU) + FC 640→1000→1000 + softmax, dropout 0.5, expanded data, 40 epochs, eta 0.03 (book: 99.60%)',
    epochs: 40,
    miniBatchSize: 10,
    eta: 0.03,
    lmbda: 0.0,
    expanded: true,
    layers: dropoutLayers,
  },
  {
    name: 'ensemble',
    description: '5 dropout networks from seeds seed..seed+4, majority vote on the test set (book: 99.67%, 33 errors)',
    epochs: 40,
    miniBatchSize: 10,
    eta: 0.03,
    lmbda: 0.0,
    expanded: true,
    members: 5,
    layers: dropoutLayers,
  },
];

export const EXPERIMENTS: Readonly<Record<string, Experiment>> = Object.fromEntries(list.map((e) => [e.name, e]));

export function experimentNames(): string[] {
  return Object.keys(EXPERIMENTS);
}

/** The experiment, or an error that lists the known ones. */
export function getExperiment(name: string): Experiment {
  const e = Object.hasOwn(EXPERIMENTS, name) ? EXPERIMENTS[name] : undefined;
  if (!e) throw new Error(`unknown experiment '${name}'; known experiments: ${experimentNames().join(', ')}`);
  return e;
}
