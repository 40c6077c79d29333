/**
 * Saving and loading networks (the chapter's problem "Add the ability to load and save networks").
 *
 * The file is one JSON document, written atomically (temporary file + rename):
 *   { format: 'tsano-network3', version: 1, savedAt, experiment, miniBatchSize,
 *     layers: [{ spec: { kind, ...hyper-parameters }, params: { w: { dtype, shape, data }, b: {...} } }],
 *     checksum: 'sha256:<hex>' }
 * `data` is the parameter's values as little-endian bytes in base64; the checksum covers every parameter's bytes in
 * order, so a damaged file is refused rather than loaded with wrong weights.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { endianness } from 'node:os';
import * as theano from '../../src/index.js';
import type { NDArray } from '../../src/index.js';
import { writeFileAtomic } from './files.js';
import { ACTIVATIONS, describeSpec, type ActivationName, layerFromSpec, type Layer, type LayerSpec } from './layers.js';
import { Network } from './network.js';

export const NETWORK_FILE_FORMAT = 'tsano-network3';
export const NETWORK_FILE_VERSION = 1;

interface ParamRecord {
  dtype: 'float32' | 'float64';
  shape: number[];
  data: string;
}

export interface NetworkFile {
  format: typeof NETWORK_FILE_FORMAT;
  version: typeof NETWORK_FILE_VERSION;
  savedAt: string;
  /** The experiment that trained it, when known. */
  experiment: string | null;
  miniBatchSize: number;
  layers: { spec: LayerSpec; params: { w: ParamRecord; b: ParamRecord } }[];
  checksum: string;
}

/** A network file that cannot be used; the message names the file and what is wrong. */
export class NetworkFileError extends Error {
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(`network file ${path}: ${problem}`);
    this.name = 'NetworkFileError';
  }
}

const BIG_ENDIAN = endianness() === 'BE';

function toBytes(a: NDArray): Buffer {
  const buf = Buffer.from(a.data.buffer, a.data.byteOffset, a.data.byteLength);
  if (!BIG_ENDIAN) return buf;
  const copy = Buffer.from(buf);
  return a.dtype === 'float64' ? copy.swap64() : copy.swap32();
}

function fromBytes(buf: Buffer, dtype: 'float32' | 'float64', count: number): Float32Array | Float64Array {
  const bytes = Buffer.from(buf); // aligned copy
  if (BIG_ENDIAN) {
    if (dtype === 'float64') bytes.swap64();
    else bytes.swap32();
  }
  return dtype === 'float64' ? new Float64Array(bytes.buffer, bytes.byteOffset, count) : new Float32Array(bytes.buffer, bytes.byteOffset, count);
}

/** The architecture of a network: its layers' specs. */
export function architecture(net: Network): LayerSpec[] {
  return net.layers.map((l) => l.spec());
}

/** Saves `net` (architecture and weights) to `path`, atomically. */
export function saveNetwork(net: Network, path: string, meta: { experiment?: string } = {}): void {
  const hash = createHash('sha256');
  const record = (param: NDArray): ParamRecord => {
    if (param.dtype !== 'float32' && param.dtype !== 'float64') throw new Error(`saveNetwork: cannot save a ${param.dtype} parameter`);
    const bytes = toBytes(param);
    hash.update(bytes);
    return { dtype: param.dtype, shape: [...param.shape], data: bytes.toString('base64') };
  };
  const layers = net.layers.map((layer) => ({
    spec: layer.spec(),
    params: { w: record(layer.w.getValue({ borrow: true })), b: record(layer.b.getValue({ borrow: true })) },
  }));
  const file: NetworkFile = {
    format: NETWORK_FILE_FORMAT,
    version: NETWORK_FILE_VERSION,
    savedAt: new Date().toISOString(),
    experiment: meta.experiment ?? null,
    miniBatchSize: net.miniBatchSize,
    layers,
    checksum: `sha256:${hash.digest('hex')}`,
  };
  writeFileAtomic(path, `${JSON.stringify(file)}\n`);
}

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
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return fail(code === 'ENOENT' ? 'no such file' : `cannot read it: ${(e as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return fail(`not valid JSON, so truncated or corrupted (${(e as Error).message}; ${text.length} characters)`);
  }
  if (!isObject(raw) || raw['format'] !== NETWORK_FILE_FORMAT) return fail(`not a network3 network file (its "format" is ${isObject(raw) ? JSON.stringify(raw['format']) : 'missing'}, expected "${NETWORK_FILE_FORMAT}")`);
  if (raw['version'] !== NETWORK_FILE_VERSION) return fail(`unknown version ${JSON.stringify(raw['version'])}; this program reads version ${NETWORK_FILE_VERSION}`);
  const miniBatchSize = raw['miniBatchSize'];
  if (!isPosInt(miniBatchSize)) return fail(`miniBatchSize must be a positive integer; got ${JSON.stringify(miniBatchSize)}`);
  const rawLayers = raw['layers'];
  if (!Array.isArray(rawLayers) || rawLayers.length === 0) return fail('has no layers');
  const specs: LayerSpec[] = [];
  const records: { w: unknown; b: unknown }[] = [];
  rawLayers.forEach((l: unknown, k) => {
    if (!isObject(l) || !isObject(l['params'])) return fail(`layer ${k}: missing its spec or params`);
    try {
      specs.push(readSpec(l['spec'], `layer ${k}`));
    } catch (e) {
      return fail((e as Error).message);
    }
    records.push({ w: l['params']['w'], b: l['params']['b'] });
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
  const hash = createHash('sha256');
  const values: [Layer, 'w' | 'b', NDArray][] = [];
  records.forEach((rec, k) => {
    for (const name of ['w', 'b'] as const) {
      const r = rec[name];
      const param = layers[k]![name];
      const want = param.getValue({ borrow: true });
      const where = `layer ${k} (${specs[k]!.kind}) param ${name}`;
      if (!isObject(r) || (r['dtype'] !== 'float32' && r['dtype'] !== 'float64') || !Array.isArray(r['shape']) || typeof r['data'] !== 'string') {
        return fail(`${where}: missing dtype, shape or data`);
      }
      const shape = r['shape'] as unknown[];
      if (shape.length !== want.shape.length || shape.some((d, a) => d !== want.shape[a])) {
        return fail(`${where}: shape [${shape.join(', ')}] does not match its layer's [${want.shape.join(', ')}]`);
      }
      const dtype = r['dtype'];
      const bytes = Buffer.from(r['data'], 'base64');
      const need = want.size * (dtype === 'float64' ? 8 : 4);
      if (bytes.length !== need) return fail(`${where}: ${bytes.length} bytes of data, but shape [${want.shape.join(', ')}] of ${dtype} needs ${need} (truncated or corrupted)`);
      hash.update(bytes);
      values.push([layers[k]!, name, theano.ndarray(fromBytes(bytes, dtype, want.size), [...want.shape], dtype).astype(want.dtype)]);
    }
  });
  const checksum = `sha256:${hash.digest('hex')}`;
  if (raw['checksum'] !== checksum) return fail(`the weights do not match the file's checksum (stored ${JSON.stringify(raw['checksum'])}, computed ${checksum}): the file is corrupted`);
  for (const [layer, name, value] of values) layer[name].setValue(value, { borrow: true });
  return { network, experiment: typeof raw['experiment'] === 'string' ? raw['experiment'] : null, savedAt: String(raw['savedAt'] ?? '') };
}
