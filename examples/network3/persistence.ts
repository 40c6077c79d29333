/**
 * Saving and loading networks (the chapter's problem "Add the ability to load and save networks").
 *
 * A network file is a `theano.save` parameter file (versioned, checksummed, raw little-endian arrays, written
 * atomically): its parameters are `layer<k>.w` and `layer<k>.b`, and its meta records the rest:
 *   { format: 'tsano-network3', version: 2, savedAt, experiment, miniBatchSize, layers: [{ kind, ...hyper-parameters }] }
 * Version 1 was one JSON document with base64 weights; this program no longer reads it.
 */
import * as theano from '../../src/index.js';
import { FormatError, TsanoError, type DType, type LoadedParams, type SharedVariable } from '../../src/index.js';
import { ACTIVATIONS, describeSpec, type ActivationName, layerFromSpec, type Layer, type LayerSpec } from './layers.js';
import { Network } from './network.js';

export const NETWORK_FILE_FORMAT = 'tsano-network3';
export const NETWORK_FILE_VERSION = 2;

/** What a network file's meta holds. */
export interface NetworkMeta {
  format: typeof NETWORK_FILE_FORMAT;
  version: typeof NETWORK_FILE_VERSION;
  savedAt: string;
  /** The experiment that trained it, when known. */
  experiment: string | null;
  miniBatchSize: number;
  layers: LayerSpec[];
}

/** A network file that cannot be used; the message names the file and what is wrong. */
export class NetworkFileError extends FormatError {
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(`network file ${path}: ${problem}`);
  }
}

/** The parameters of `layers` under the names a network file uses. */
function namedParams(layers: readonly Layer[]): Record<string, SharedVariable> {
  return Object.fromEntries(layers.flatMap((l, k) => [[`layer${k}.w`, l.w] as const, [`layer${k}.b`, l.b] as const]));
}

/** The architecture of a network: its layers' specs. */
export function architecture(net: Network): LayerSpec[] {
  return net.layers.map((l) => l.spec());
}

/** Saves `net` (architecture and weights) to `path`, atomically. */
export function saveNetwork(net: Network, path: string, meta: { experiment?: string } = {}): void {
  const m: NetworkMeta = {
    format: NETWORK_FILE_FORMAT,
    version: NETWORK_FILE_VERSION,
    savedAt: new Date().toISOString(),
    experiment: meta.experiment ?? null,
    miniBatchSize: net.miniBatchSize,
    layers: architecture(net),
  };
  theano.save(path, namedParams(net.layers), m);
}

/** The experiment a network file records, or null when it records none or cannot be read (errors come on loading). */
export function networkFileExperiment(path: string): string | null {
  try {
    const meta = theano.load(path).meta;
    return isObject(meta) && typeof meta['experiment'] === 'string' ? meta['experiment'] : null;
  } catch {
    return null;
  }
}

const isFloat = (d: DType): boolean => d === 'float32' || d === 'float64';
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isPosInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v > 0;
const isIntList = (v: unknown, n: number): v is number[] => Array.isArray(v) && v.length === n && v.every(isPosInt);

/** Checks one layer's spec as read from a file; returns a clean copy. */
function readSpec(raw: unknown, where: string): LayerSpec {
  if (!isObject(raw)) throw new Error(`${where}: spec is not an object`);
  const act = (v: unknown): ActivationName => {
    if (typeof v !== 'string' || !Object.hasOwn(ACTIVATIONS, v)) throw new Error(`${where}: unknown activation function ${JSON.stringify(v)}`);
    return v as ActivationName;
  };
  const p = (v: unknown): number => {
    if (typeof v !== 'number' || !(v >= 0 && v < 1)) throw new Error(`${where}: pDropout must be a number in [0, 1); got ${JSON.stringify(v)}`);
    return v;
  };
  const ints = (k: string, n: number): number[] => {
    if (!isIntList(raw[k], n)) throw new Error(`${where}: ${k} must be ${n} positive integers; got ${JSON.stringify(raw[k])}`);
    return [...(raw[k] as number[])];
  };
  const int = (k: string): number => {
    if (!isPosInt(raw[k])) throw new Error(`${where}: ${k} must be a positive integer; got ${JSON.stringify(raw[k])}`);
    return raw[k] as number;
  };
  switch (raw['kind']) {
    case 'ConvPoolLayer':
      return {
        kind: 'ConvPoolLayer',
        filterShape: ints('filterShape', 4) as [number, number, number, number],
        imageShape: ints('imageShape', 4) as [number, number, number, number],
        poolsize: ints('poolsize', 2) as [number, number],
        activationFn: act(raw['activationFn']),
      };
    case 'FullyConnectedLayer':
      return { kind: 'FullyConnectedLayer', nIn: int('nIn'), nOut: int('nOut'), activationFn: act(raw['activationFn']), pDropout: p(raw['pDropout']) };
    case 'SoftmaxLayer':
      return { kind: 'SoftmaxLayer', nIn: int('nIn'), nOut: int('nOut'), pDropout: p(raw['pDropout']) };
    default:
      throw new Error(`${where}: unknown layer kind ${JSON.stringify(raw['kind'])}`);
  }
}

/** The first difference between two architectures, or null when they are the same. */
export function architectureDifference(got: readonly LayerSpec[], want: readonly LayerSpec[]): string | null {
  for (let k = 0; k < Math.max(got.length, want.length); k++) {
    const a = got[k];
    const b = want[k];
    const sa = a ? describeSpec(a) : 'nothing';
    const sb = b ? describeSpec(b) : 'nothing';
    if (sa !== sb) return `layer ${k} is ${sa} in the file but ${sb} is expected`;
  }
  return null;
}

export interface LoadOptions {
  /** Refuse a file whose architecture differs from this one (e.g. an experiment's). */
  expect?: { layers: readonly LayerSpec[]; miniBatchSize?: number; name?: string };
}

export interface LoadedNetwork {
  network: Network;
  experiment: string | null;
  savedAt: string;
}

/** Loads a network saved by `saveNetwork`; any problem is a NetworkFileError naming the file. */
export function loadNetwork(path: string, opts: LoadOptions = {}): LoadedNetwork {
  const fail = (problem: string): never => {
    throw new NetworkFileError(path, problem);
  };
  let file: LoadedParams;
  try {
    file = theano.load(path);
  } catch (e) {
    return e instanceof TsanoError ? fail(e.message) : fail(`cannot read it: ${(e as Error).message}`);
  }
  const raw = file.meta;
  if (!isObject(raw) || raw['format'] !== NETWORK_FILE_FORMAT)
    return fail(
      `not a network3 network file (its "format" is ${isObject(raw) ? JSON.stringify(raw['format']) : 'missing'}, expected "${NETWORK_FILE_FORMAT}")`,
    );
  if (raw['version'] !== NETWORK_FILE_VERSION)
    return fail(`unknown version ${JSON.stringify(raw['version'])}; this program reads version ${NETWORK_FILE_VERSION}`);
  const miniBatchSize = raw['miniBatchSize'];
  if (!isPosInt(miniBatchSize)) return fail(`miniBatchSize must be a positive integer; got ${JSON.stringify(miniBatchSize)}`);
  const rawLayers = raw['layers'];
  if (!Array.isArray(rawLayers) || rawLayers.length === 0) return fail('has no layers');
  const specs = rawLayers.map((l: unknown, k) => {
    try {
      return readSpec(l, `layer ${k}`);
    } catch (e) {
      return fail((e as Error).message);
    }
  });
  if (opts.expect) {
    const diff = architectureDifference(specs, opts.expect.layers);
    const whose = opts.expect.name ? `${opts.expect.name}'s` : 'the expected';
    if (diff) return fail(`its architecture differs from ${whose}: ${diff}`);
    if (opts.expect.miniBatchSize !== undefined && opts.expect.miniBatchSize !== miniBatchSize) {
      return fail(`it was saved for mini-batches of ${miniBatchSize}, not ${opts.expect.miniBatchSize}`);
    }
  }
  let layers: Layer[];
  let network: Network;
  try {
    layers = specs.map((s) => layerFromSpec(s, 0));
    network = new Network(layers, miniBatchSize);
  } catch (e) {
    return fail(`its layers do not fit together: ${(e as Error).message}`);
  }
  const targets = namedParams(layers);
  // Weights saved under another floatX are still the same weights: convert between float dtypes, nothing else.
  const params = Object.fromEntries(
    Object.entries(file.params).map(([name, a]) => {
      const want = Object.hasOwn(targets, name) ? targets[name]!.dtype : a.dtype;
      return [name, a.dtype !== want && isFloat(a.dtype) && isFloat(want) ? a.astype(want) : a];
    }),
  );
  try {
    theano.loadInto({ ...file, params }, targets);
  } catch (e) {
    return e instanceof TsanoError ? fail(e.message) : fail(`cannot use its weights: ${(e as Error).message}`);
  }
  return { network, experiment: typeof raw['experiment'] === 'string' ? raw['experiment'] : null, savedAt: String(raw['savedAt'] ?? '') };
}
