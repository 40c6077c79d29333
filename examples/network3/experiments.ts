/**
 * The chapter's experiments by name. Each entry states the book's hyper-parameters and builds its layers; the
 * convolutional ones join this table once ConvPoolLayer is ported.
 */
import type { RandomState } from '../../src/index.js';
import { FullyConnectedLayer, SoftmaxLayer, sigmoid, type Layer } from './network3.js';

export interface Experiment {
  name: string;
  /** One line for --help. */
  description: string;
  /** The book's hyper-parameters. */
  epochs: number;
  miniBatchSize: number;
  eta: number;
  lmbda: number;
  /** The layers, initialised from `rng`, for mini-batches of `miniBatchSize`. */
  layers(rng: RandomState, miniBatchSize: number): Layer[];
}

export const EXPERIMENTS: Readonly<Record<string, Experiment>> = {
  shallow: {
    name: 'shallow',
    description: 'FC 784→100 sigmoid + softmax 100→10 (the chapter\'s baseline; the book reports 97.80%)',
    epochs: 60,
    miniBatchSize: 10,
    eta: 0.1,
    lmbda: 0.0,
    layers: (rng) => [new FullyConnectedLayer({ nIn: 784, nOut: 100, activationFn: sigmoid, rng }), new SoftmaxLayer({ nIn: 100, nOut: 10 })],
  },
};

export function experimentNames(): string[] {
  return Object.keys(EXPERIMENTS);
}

/** The experiment, or an error that lists the known ones. */
export function getExperiment(name: string): Experiment {
  const e = Object.hasOwn(EXPERIMENTS, name) ? EXPERIMENTS[name] : undefined;
  if (!e) throw new Error(`unknown experiment '${name}'; known experiments: ${experimentNames().join(', ')}`);
  return e;
}
