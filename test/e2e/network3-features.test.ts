// network3: ConvPoolLayer against a hand-written reference, the chapter's problems as features (early stopping,
// accuracy on any data, learning-rate schedules, save/load, overfitting diagnostics), expandMnist, the vote, and
// the pictures (well-formed PNG and SVG).
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { inflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as theano from '../../src/index.js';
import { RandomState, T } from '../../src/index.js';
import { getExperiment } from '../../examples/network3/experiments.js';
import { defaultConfig, main, parseCli, runExperiment, type ResultsFile } from '../../examples/network3/main.js';
import { loadMnistSplits, type MnistSplit, type MnistSplits } from '../../examples/network3/mnist.js';
import {
  ConvPoolLayer,
  FullyConnectedLayer,
  Network,
  NetworkFileError,
  SoftmaxLayer,
  accuracyOf,
  architecture,
  expandMnist,
  exponentialDecay,
  halveOnPlateau,
  headSplit,
  linear,
  loadDataShared,
  loadNetwork,
  networkFileExperiment,
  parseSchedule,
  saveNetwork,
  sharedData,
  stepDecay,
  vote,
} from '../../examples/network3/network3.js';
import { crc32, encodePng } from '../../examples/network3/png.js';
import { digitPng, filtersPng, misclassifiedSvg, tilesPng } from '../../examples/network3/pictures.js';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..');
const quiet = { log: () => undefined, progress: false } as const;

let splits: MnistSplits;
let tmp: string;
beforeAll(() => {
  splits = loadMnistSplits({ trainSize: 1000 });
  tmp = mkdtempSync(join(tmpdir(), 'network3-features-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const small = (n: number): MnistSplits => ({
  training: headSplit(splits.training, n),
  validation: headSplit(splits.validation, 200),
  test: headSplit(splits.test, 200),
});

//// Well-formedness checks for the pictures
interface Png {
  width: number;
  height: number;
  colourType: number;
  pixels: Buffer;
}

/** Reads a PNG as png.ts writes it (8-bit, filter 0), checking the signature, every chunk's CRC and the data size. */
function readPng(buf: Buffer): Png {
  expect([...buf.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  let off = 8;
  const chunks: { type: string; data: Buffer }[] = [];
  while (off < buf.length) {
    const len = buf.readUInt32BE(off);
    const type = buf.toString('ascii', off + 4, off + 8);
    const data = buf.subarray(off + 8, off + 8 + len);
    expect(buf.readUInt32BE(off + 8 + len)).toBe(crc32(buf.subarray(off + 4, off + 8 + len)));
    chunks.push({ type, data });
    off += 12 + len;
  }
  expect(off).toBe(buf.length);
  expect(chunks[0]!.type).toBe('IHDR');
  expect(chunks.at(-1)!.type).toBe('IEND');
  const ihdr = chunks[0]!.data;
  const width = ihdr.readUInt32BE(0);
  const height = ihdr.readUInt32BE(4);
  const colourType = ihdr[9]!;
  const channels = colourType === 0 ? 1 : 3;
  const raw = inflateSync(Buffer.concat(chunks.filter((c) => c.type === 'IDAT').map((c) => c.data)));
  expect(raw.length).toBe(height * (width * channels + 1));
  const pixels = Buffer.alloc(width * height * channels);
  for (let y = 0; y < height; y++) {
    expect(raw[y * (width * channels + 1)]).toBe(0);
    raw.copy(pixels, y * width * channels, y * (width * channels + 1) + 1, (y + 1) * (width * channels + 1));
  }
  return { width, height, colourType, pixels };
}

/** A small XML well-formedness check: balanced, properly nested tags, quoted attributes, known entities only. */
function parseXml(text: string): { root: string; elements: Map<string, number> } {
  const elements = new Map<string, number>();
  const stack: string[] = [];
  let root = '';
  const tag = /<(\/?)([A-Za-z][\w:.-]*)((?:\s+[\w:.-]+="[^"<]*")*)\s*(\/?)>|<!--[^]*?-->|<\?[^]*?\?>/g;
  let last = 0;
  for (let m = tag.exec(text); m; m = tag.exec(text)) {
    const between = text.slice(last, m.index);
    expect(between, `stray markup before offset ${m.index}`).not.toMatch(/[<>]/);
    expect(between.replace(/&(amp|lt|gt|quot|apos|#\d+);/g, '')).not.toContain('&');
    last = m.index + m[0].length;
    if (!m[2]) continue;
    const [, close, name, , selfClose] = m;
    if (close) {
      expect(stack.pop(), `</${name}> closes the wrong element`).toBe(name);
    } else {
      if (stack.length === 0) {
        expect(root, 'a second root element').toBe('');
        root = name!;
      }
      elements.set(name!, (elements.get(name!) ?? 0) + 1);
      if (!selfClose) stack.push(name!);
    }
  }
  expect(text.slice(last).trim()).toBe('');
  expect(stack).toEqual([]);
  return { root, elements };
}

describe('ConvPoolLayer', () => {
  it('computes activation(maxpool(conv2d(x, w)) + b) with a true (flipped) convolution', () => {
    const layer = new ConvPoolLayer({ filterShape: [2, 1, 3, 3], imageShape: [2, 1, 6, 6], poolsize: [2, 2], activationFn: linear, rng: 5 });
    expect(layer.outputShape).toEqual([2, 2, 2]);
    const x = T.matrix('x');
    layer.setInpt(x, x, 2);
    const f = theano.function([x], layer.output);
    const rng = new RandomState(9);
    const input = Float32Array.from(rng.uniform(-1, 1, 72));
    const out = f(theano.ndarray(input, [2, 36]));
    expect(out.shape).toEqual([2, 2, 2, 2]);
    const w = layer.w.getValue().data;
    const b = layer.b.getValue().data;
    for (let n = 0; n < 2; n++) {
      for (let k = 0; k < 2; k++) {
        const conv = (r: number, c: number): number => {
          let s = 0;
          for (let u = 0; u < 3; u++) for (let v = 0; v < 3; v++) s += input[n * 36 + (r + u) * 6 + (c + v)]! * w[k * 9 + (2 - u) * 3 + (2 - v)]!;
          return s;
        };
        for (let pr = 0; pr < 2; pr++) {
          for (let pc = 0; pc < 2; pc++) {
            const m = Math.max(conv(2 * pr, 2 * pc), conv(2 * pr, 2 * pc + 1), conv(2 * pr + 1, 2 * pc), conv(2 * pr + 1, 2 * pc + 1));
            expect(out.get(n, k, pr, pc)).toBeCloseTo(m + b[k]!, 4);
          }
        }
      }
    }
    expect(layer.outputDropout).toBe(layer.output); // no dropout in the convolutional layers
  });

  it("has the book's initialisation: w ~ N(0, sqrt(1/nOut)), nOut = filters * prod(filter) / prod(pool); b ~ N(0, 1)", () => {
    const layer = new ConvPoolLayer({ filterShape: [40, 20, 5, 5], imageShape: [10, 20, 12, 12], rng: 0 });
    const w = layer.w.getValue();
    expect(w.shape).toEqual([40, 20, 5, 5]);
    expect(w.dtype).toBe('float32');
    expect(layer.b.getValue().shape).toEqual([40]);
    let s = 0;
    let ss = 0;
    for (const v of w.data) {
      s += v;
      ss += v * v;
    }
    const mean = s / w.size;
    const std = Math.sqrt(ss / w.size - mean * mean);
    expect(std).toBeCloseTo(Math.sqrt(1 / 250), 2); // nOut = 40 * 25 / 4 = 250
    expect(layer.outputSize).toBe(640);
    expect(layer.inputSize).toBe(2880);
  });

  it('checks its shapes, and Network checks that the layers fit together', () => {
    expect(() => new ConvPoolLayer({ filterShape: [20, 2, 5, 5], imageShape: [10, 1, 28, 28] })).toThrow(
      /filterShape\[1\] \(2 input feature maps\) differs from imageShape\[1\] \(1\)/,
    );
    expect(() => new ConvPoolLayer({ filterShape: [20, 1, 5, 5], imageShape: [10, 1, 4, 4] })).toThrow(/leave nothing of 4x4 images/);
    const conv = new ConvPoolLayer({ filterShape: [20, 1, 5, 5], imageShape: [10, 1, 28, 28] });
    expect(() => new Network([conv, new FullyConnectedLayer({ nIn: 100, nOut: 10 })], 10)).toThrow(
      /layer 1 \(FullyConnectedLayer\) takes 100 inputs per example, but layer 0 \(ConvPoolLayer\) gives 2880/,
    );
    const conv2 = new ConvPoolLayer({ filterShape: [20, 1, 5, 5], imageShape: [20, 1, 28, 28] });
    expect(() => new Network([conv2, new SoftmaxLayer({ nIn: 2880, nOut: 10 })], 10)).toThrow(
      /imageShape\[0\] \(20\) must be the network's mini-batch size \(10\)/,
    );
  });
});

describe('expandMnist', () => {
  const img = (): Float32Array => {
    const a = new Float32Array(784);
    for (let i = 0; i < 784; i++) a[i] = ((i * 37) % 101) / 100 + 0.01; // no zeros, all distinct-ish
    return a;
  };

  it('adds the four one-pixel shifts in expand_mnist.py order (down, up, right, left), zeroing what wrapped', () => {
    const x = img();
    const e = expandMnist({ x, y: Int32Array.from([7]), n: 1 }, { shuffle: false });
    expect(e.n).toBe(5);
    expect([...e.y]).toEqual([7, 7, 7, 7, 7]);
    const at = (k: number, r: number, c: number): number => e.x[k * 784 + r * 28 + c]!;
    const src = (r: number, c: number): number => x[r * 28 + c]!;
    // Hand-checked pixels.
    expect(at(0, 10, 12)).toBe(src(10, 12)); // the original
    expect(at(1, 11, 12)).toBe(src(10, 12)); // down: row 10 moves to row 11
    expect(at(1, 0, 5)).toBe(0); // ... and row 0 is cleared
    expect(at(1, 27, 5)).toBe(src(26, 5));
    expect(at(2, 9, 12)).toBe(src(10, 12)); // up
    expect(at(2, 27, 5)).toBe(0);
    expect(at(2, 0, 5)).toBe(src(1, 5));
    expect(at(3, 10, 13)).toBe(src(10, 12)); // right
    expect(at(3, 4, 0)).toBe(0);
    expect(at(4, 10, 11)).toBe(src(10, 12)); // left
    expect(at(4, 4, 27)).toBe(0);
    // Everywhere: a shift of the original, and only the wrapped row/column is zero.
    for (let r = 0; r < 28; r++) {
      for (let c = 0; c < 28; c++) {
        expect(at(1, r, c)).toBe(r === 0 ? 0 : src(r - 1, c));
        expect(at(2, r, c)).toBe(r === 27 ? 0 : src(r + 1, c));
        expect(at(3, r, c)).toBe(c === 0 ? 0 : src(r, c - 1));
        expect(at(4, r, c)).toBe(c === 27 ? 0 : src(r, c + 1));
      }
    }
  });

  it('on MNIST: 5x the images, shuffled reproducibly from the seed, every original kept with its label', () => {
    const t = headSplit(splits.training, 100);
    const a = expandMnist(t, { shuffle: 3 });
    const b = expandMnist(t, { shuffle: 3 });
    const c = expandMnist(t, { shuffle: 4 });
    expect(a.n).toBe(500);
    expect(a.x.length).toBe(500 * 784);
    expect(a.x).toEqual(b.x);
    expect(a.y).toEqual(b.y);
    expect(a.y).not.toEqual(c.y);
    const key = (x: Float32Array, k: number): string => Buffer.from(x.buffer, x.byteOffset + k * 784 * 4, 784 * 4).toString('base64');
    const inA = new Map<string, number>();
    for (let k = 0; k < a.n; k++) inA.set(key(a.x, k), a.y[k]!);
    for (let i = 0; i < t.n; i++) expect(inA.get(key(t.x, i))).toBe(t.y[i]);
    const counts = (y: Int32Array): number[] => [...Array(10).keys()].map((d) => y.filter((v) => v === d).length);
    expect(counts(a.y)).toEqual(counts(t.y).map((n) => 5 * n));
    // The first MNIST image (a 5) shifted down by one, found among the expanded images.
    const unshuffled = expandMnist(headSplit(t, 1), { shuffle: false });
    expect(inA.get(key(unshuffled.x, 1))).toBe(5);
  });
});

describe('learning-rate schedules', () => {
  it('exp, step and halve-on-plateau', () => {
    expect(exponentialDecay(0.1, 0.5)(3, [])).toBeCloseTo(0.0125);
    expect(stepDecay(0.1, 10, 0.1)(25, [])).toBeCloseTo(0.001);
    const h = halveOnPlateau(0.8, 2);
    const hist = (accs: number[]) => accs.map((validationAccuracy) => ({ validationAccuracy }));
    expect(h(0, [])).toBe(0.8);
    expect(h(3, hist([0.5, 0.6, 0.6]))).toBe(0.8);
    expect(h(3, hist([0.5, 0.6, 0.6, 0.55]))).toBe(0.4);
    expect(h(6, hist([0.5, 0.6, 0.6, 0.55, 0.6, 0.59]))).toBe(0.2);
    expect(h(99, hist(Array(100).fill(0.5)))).toBe(0.8 / 1024); // the floor
    expect(parseSchedule('constant', 0.03)).toBe(0.03);
    expect((parseSchedule('exp:0.9', 1) as (e: number, h: []) => number)(2, [])).toBeCloseTo(0.81);
    expect(() => parseSchedule('cosine', 1)).toThrow(/unknown schedule 'cosine'/);
    expect(() => parseSchedule('exp:2', 1)).toThrow(/factor must be in \(0, 1\]/);
    expect(() => parseCli(['--eta-schedule', 'halve-on-plateau:x'])).toThrow(/n must be a positive integer/);
  });

  it('SGD uses the schedule epoch by epoch and says so', () => {
    const lines: string[] = [];
    const { result } = runExperiment(defaultConfig('shallow', { epochs: 3, trainSize: 100, validationSize: 100, testSize: 100, etaSchedule: 'exp:0.5' }), {
      splits: small(100),
      log: (l) => lines.push(l),
      progress: false,
    });
    expect(result.epochs.map((e) => e.eta)).toEqual([0.1, 0.05, 0.025]);
    expect(lines.filter((l) => l.startsWith('Learning rate'))).toEqual([
      'Learning rate for epoch 0: 0.1',
      'Learning rate for epoch 1: 0.05',
      'Learning rate for epoch 2: 0.025',
    ]);
  });
});

describe('early stopping', () => {
  it('stops when the validation accuracy has not improved for N epochs', () => {
    // Training and validation data: 100 copies of one digit. Epoch 0 learns to name it (validation accuracy 100%),
    // and no later epoch can do better.
    const copies = (n: number): MnistSplit => {
      const x = new Float32Array(n * 784);
      for (let k = 0; k < n; k++) x.set(splits.training.x.subarray(0, 784), k * 784);
      return { x, y: new Int32Array(n).fill(splits.training.y[0]!), n };
    };
    const net = new Network(getExperiment('shallow').layers(new RandomState(0), 10), 10);
    const lines: string[] = [];
    const result = net.SGD(sharedData(copies(100)), 20, 10, 0.1, sharedData(copies(100)), null, 0, {
      earlyStopping: 3,
      log: (l) => lines.push(l),
      progress: false,
    });
    expect(result.epochs[0]!.validationAccuracy).toBe(1);
    expect(result.epochs).toHaveLength(4); // epoch 0 sets the best; 1, 2, 3 do not improve on it
    expect(result.stoppedEarly).toBe(true);
    expect(lines).toContain('Early stopping: the validation accuracy has not improved for 3 epochs.');
    expect(lines.at(-2)).toBe('Finished training network.');
    expect(lines.at(-1)).toBe('Best validation accuracy of 100.00% obtained at iteration 39'); // >= counts as best, as the book
  });

  it('keeps going while it improves, and is off by default', () => {
    const cfg = defaultConfig('shallow', { epochs: 3, trainSize: 300, validationSize: 100, testSize: 100, eta: 1, earlyStopping: 1 });
    const { result } = runExperiment(cfg, { splits: small(300), ...quiet });
    const improved = result.epochs.map((e, k) => k === 0 || e.validationAccuracy > Math.max(...result.epochs.slice(0, k).map((p) => p.validationAccuracy)));
    const firstStall = improved.indexOf(false);
    expect(result.epochs).toHaveLength(firstStall < 0 ? 3 : Math.min(3, firstStall + 1));
    const off = runExperiment(defaultConfig('shallow', { epochs: 3, trainSize: 100, validationSize: 100, testSize: 100, eta: 1e-9 }), {
      splits: small(100),
      ...quiet,
    });
    expect(off.result.epochs).toHaveLength(3);
    expect(off.result.stoppedEarly).toBe(false);
  });
});

describe('Network.accuracy and predict on any data set', () => {
  it('counts every example, also a last partial mini-batch', () => {
    const { network, result } = runExperiment(defaultConfig('shallow', { epochs: 1, trainSize: 500, validationSize: 200, testSize: 200 }), {
      splits: small(500),
      ...quiet,
    });
    const [, validation] = loadDataShared({ splits: small(500) });
    // On a multiple of the mini-batch size: the mean of the mini-batch accuracies SGD printed.
    expect(network.accuracy(validation)).toBeCloseTo(result.epochs[0]!.validationAccuracy, 10);
    const part = (n: number): MnistSplit => headSplit(splits.validation, n);
    const p105 = network.predict(sharedData(part(105)));
    const p110 = network.predict(sharedData(part(110)));
    expect(p105).toEqual(p110.subarray(0, 105));
    const acc = network.accuracy(sharedData(part(105)));
    expect(acc).toBe(accuracyOf(p105, part(105).y));
    expect(() => network.accuracy(sharedData(part(5)))).toThrow(/5 examples make no mini-batch of 10/);
    const wrongWidth = sharedData({ x: new Float32Array(20 * 10), y: new Int32Array(20), n: 20 });
    expect(() => network.accuracy(wrongWidth)).toThrow(/images have 10 values each, but the first layer takes 784/);
  });
});

describe('saving and loading networks', () => {
  let shallowFile: string;
  let trained: Network;
  let validation: ReturnType<typeof loadDataShared>[1];

  beforeAll(() => {
    shallowFile = join(tmp, 'shallow.net.json');
    const { network } = runExperiment(defaultConfig('shallow', { epochs: 1, trainSize: 300, validationSize: 200, testSize: 200 }), {
      splits: small(300),
      save: shallowFile,
      ...quiet,
    });
    trained = network;
    validation = loadDataShared({ splits: small(300) })[1];
  });

  it('round-trips: the loaded network has the same weights and the same accuracy', () => {
    const { network, experiment } = loadNetwork(shallowFile);
    expect(experiment).toBe('shallow');
    expect(architecture(network)).toEqual(architecture(trained));
    network.params.forEach((p, k) => expect(p.getValue().data).toEqual(trained.params[k]!.getValue().data));
    expect(network.accuracy(validation)).toBe(trained.accuracy(validation));
    expect(network.predict(validation)).toEqual(trained.predict(validation));
    // A theano.save file: the weights as parameters, the architecture in its meta.
    const file = theano.load(shallowFile);
    expect(Object.keys(file.params)).toEqual(['layer0.w', 'layer0.b', 'layer1.w', 'layer1.b']);
    expect(file.params['layer0.w']!.shape).toEqual([784, 100]);
    expect(file.meta).toMatchObject({ format: 'tsano-network3', version: 2, miniBatchSize: 10, experiment: 'shallow' });
    expect((file.meta as { layers: unknown }).layers).toEqual([
      { kind: 'FullyConnectedLayer', nIn: 784, nOut: 100, activationFn: 'sigmoid', pDropout: 0 },
      { kind: 'SoftmaxLayer', nIn: 100, nOut: 10, pDropout: 0 },
    ]);
    expect(networkFileExperiment(shallowFile)).toBe('shallow');
    expect(readdirSync(tmp).filter((f) => f.endsWith('.tmp'))).toEqual([]); // atomic: no temporary file left
  });

  it('round-trips a convolutional network with dropout (architecture and weights)', () => {
    const layers = getExperiment('dropout').layers(new RandomState(1), 10);
    const net = new Network(layers, 10);
    const file = join(tmp, 'dropout.net.json');
    saveNetwork(net, file, { experiment: 'dropout' });
    const back = loadNetwork(file, { expect: { layers: architecture(net), miniBatchSize: 10, name: 'experiment dropout' } }).network;
    expect(architecture(back)).toEqual(architecture(net));
    expect(back.layers.map((l) => l.constructor.name)).toEqual([
      'ConvPoolLayer',
      'ConvPoolLayer',
      'FullyConnectedLayer',
      'FullyConnectedLayer',
      'SoftmaxLayer',
    ]);
    back.params.forEach((p, k) => expect(p.getValue().data).toEqual(net.params[k]!.getValue().data));
    const test = sharedData(headSplit(splits.test, 30));
    expect(back.predict(test)).toEqual(net.predict(test));
  });

  it('continues training from a loaded network (--load), and refuses another architecture (--load with conv1)', () => {
    const lines: string[] = [];
    const cfg = defaultConfig('shallow', { epochs: 0, trainSize: 300, validationSize: 200, testSize: 200 });
    runExperiment(cfg, { splits: small(300), load: shallowFile, log: (l) => lines.push(l), progress: false });
    expect(lines[0]).toMatch(
      new RegExp(
        `^Loaded network from .*shallow\\.net\\.json: validation accuracy ${(trained.accuracy(validation) * 100).toFixed(2)}%, test accuracy \\d+\\.\\d\\d%$`,
      ),
    );
    expect(() =>
      runExperiment(defaultConfig('conv1', { epochs: 0, trainSize: 300, validationSize: 200, testSize: 200 }), {
        splits: small(300),
        load: shallowFile,
        ...quiet,
      }),
    ).toThrow(
      /network file .*shallow\.net\.json: its architecture differs from experiment conv1's: layer 0 is FullyConnectedLayer\(nIn 784, nOut 100, sigmoid, pDropout 0\) in the file but ConvPoolLayer\(filterShape \[20, 1, 5, 5\], .*\) is expected/,
    );
  });

  it('names the file and the problem: missing, truncated, corrupted, unknown version, not a network file', () => {
    const bytes = readFileSync(shallowFile);
    const { params, meta } = theano.load(shallowFile);
    const variant = (name: string, content: string | Uint8Array): string => {
      const p = join(tmp, name);
      writeFileSync(p, content);
      return p;
    };
    // Files with the right container but other contents: what theano.save would write.
    type Meta = { [key: string]: unknown; layers: Record<string, unknown>[] };
    const resaved = (name: string, edit: (m: Meta, p: Record<string, theano.NDArray>) => void): string => {
      const m = structuredClone(meta) as Meta;
      const p = { ...params };
      edit(m, p);
      const path = join(tmp, name);
      theano.save(path, p, m);
      return path;
    };
    const expectError = (path: string, re: RegExp): void => {
      let err: unknown;
      try {
        loadNetwork(path);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(NetworkFileError);
      expect(err).toBeInstanceOf(theano.FormatError);
      expect((err as Error).message).toContain(`network file ${path}: `);
      expect((err as Error).message).toMatch(re);
    };
    expectError(join(tmp, 'nope.net'), /no such file/);
    expectError(variant('truncated.net', bytes.subarray(0, Math.floor(bytes.length / 2))), /truncated file/);
    const flipped = Uint8Array.from(bytes);
    flipped[flipped.length - 1000]! ^= 0x40;
    expectError(variant('corrupt.net', flipped), /checksum mismatch .* the file is corrupted/);
    expectError(variant('old.json', JSON.stringify({ format: 'tsano-network3', version: 1 })), /wrong magic .* it is not a tsano parameter file/);
    expectError(
      resaved('short.net', (_m, p) => (p['layer1.w'] = theano.ndarray(new Float32Array(100 * 5), [100, 5]))),
      /parameters do not match .*'layer1\.w' expected float32 \(100, 10\), found float32 \(100, 5\); nothing was changed/,
    );
    expectError(
      resaved('missing.net', (_m, p) => delete p['layer1.b']),
      /'layer1\.b' is missing from the file/,
    );
    expectError(
      resaved('v3.net', (m) => (m['version'] = 3)),
      /unknown version 3; this program reads version 2/,
    );
    expectError(
      resaved('other.net', (m) => (m['format'] = 'hello')),
      /not a network3 network file/,
    );
    const badKind = resaved('kind.net', (m) => (m.layers[0]!['kind'] = 'LSTMLayer'));
    expectError(badKind, /layer 0: unknown layer kind "LSTMLayer"/);
    expectError(
      resaved('misfit.net', (m) => (m.layers[1]!['nIn'] = 30)),
      /its layers do not fit together: Network: layer 1 \(SoftmaxLayer\) takes 30 inputs/,
    );
  });

  it('loads weights saved under the other float dtype (another floatX), converting them', () => {
    const { params, meta } = theano.load(shallowFile);
    const path = join(tmp, 'float64.net');
    theano.save(path, Object.fromEntries(Object.entries(params).map(([k, a]) => [k, a.astype('float64')])), meta);
    const back = loadNetwork(path).network;
    back.params.forEach((p, k) => expect(p.getValue().data).toEqual(trained.params[k]!.getValue().data));
  });

  it('the CLI: --save then --load --epochs 0 gives the same accuracy; a wrong file is exit code 1 with the reason', async () => {
    const tsx = join(ROOT, 'node_modules', '.bin', 'tsx');
    const mainTs = join(ROOT, 'examples', 'network3', 'main.ts');
    const file = join(tmp, 'cli.net.json');
    const args = ['--train-size', '200', '--validation-size', '100', '--test-size', '100'];
    const first = await run(tsx, [mainTs, ...args, '--epochs', '1', '--save', file], { cwd: ROOT });
    const second = await run(tsx, [mainTs, ...args, '--epochs', '0', '--load', file], { cwd: ROOT });
    const lastAcc = (s: string): string => /^Corresponding test accuracy of (\S+)$/m.exec(s)?.[1] ?? 'none';
    const loadedAcc = /^Loaded network from .*: validation accuracy (\S+), test accuracy (\S+)$/m.exec(second.stdout);
    expect(loadedAcc?.[2]).toBe(lastAcc(first.stdout));
    expect(first.stdout).toContain(`Network saved to ${file}`);
    expect(second.stdout).toMatch(/^Running experiment shallow: 0 epochs/m); // the experiment recorded in the file
    const err = await run(tsx, [mainTs, ...args, '--experiment', 'conv1', '--epochs', '0', '--load', file], { cwd: ROOT }).then(
      () => undefined,
      (e: { code: number; stderr: string }) => e,
    );
    expect(err?.code).toBe(1);
    expect(err?.stderr).toContain(`network3: network file ${file}: its architecture differs from experiment conv1's`);
  });

  it('main() reports bad options with exit code 2', () => {
    const errs: string[] = [];
    expect(main(['--members', '3'], { out: () => undefined, err: (s) => errs.push(s) })).toBe(2);
    expect(errs[0]).toBe('network3: --members applies only to an ensemble experiment, not shallow');
  });
});

describe('overfitting diagnostics', () => {
  it('writes training vs validation accuracy per epoch as CSV and JSON beside the results', () => {
    const path = join(tmp, 'diag', 'r.json');
    const cfg = defaultConfig('shallow', { epochs: 2, trainSize: 300, validationSize: 100, testSize: 100, trainEvalSize: 200 });
    const { result } = runExperiment(cfg, { splits: small(300), results: path, ...quiet });
    const csv = readFileSync(join(tmp, 'diag', 'r.overfitting.csv'), 'utf8')
      .trimEnd()
      .split('\n');
    expect(csv[0]).toBe('epoch,eta,mean_cost,training_accuracy,validation_accuracy,test_accuracy,gap');
    expect(csv).toHaveLength(3);
    result.epochs.forEach((e, k) => {
      const cells = csv[k + 1]!.split(',').map(Number);
      expect(cells[0]).toBe(k);
      expect(cells[3]).toBe(e.trainingAccuracy);
      expect(cells[4]).toBe(e.validationAccuracy);
      expect(cells[6]).toBeCloseTo(e.trainingAccuracy! - e.validationAccuracy, 12);
      expect(e.trainingAccuracy! * 200).toBeCloseTo(Math.round(e.trainingAccuracy! * 200), 6); // measured on 200 images
    });
    const report = JSON.parse(readFileSync(join(tmp, 'diag', 'r.overfitting.json'), 'utf8'));
    expect(report.trainingEvalSize).toBe(200);
    expect(report.epochs).toHaveLength(2);
    expect(report.summary.finalTrainingAccuracy).toBe(result.epochs[1]!.trainingAccuracy);
    expect(Object.keys(report.summary)).toEqual([
      'bestValidationEpoch',
      'bestValidationAccuracy',
      'finalTrainingAccuracy',
      'finalValidationAccuracy',
      'finalGap',
      'maxGap',
      'epochsSinceBestValidation',
      'trainingAccuracyRoseSinceBest',
    ]);
    const results = JSON.parse(readFileSync(path, 'utf8')) as ResultsFile;
    expect(results.finished).toBe(true);
    expect(results.finalTestAccuracy).toBeGreaterThan(0);
    expect(results.epochs[0]!.trainingAccuracy).toBe(result.epochs[0]!.trainingAccuracy);
  });
});

describe('the ensemble vote', () => {
  it('takes the most frequent label; a tie goes to the earliest member among the tied labels', () => {
    const members = [
      [1, 2, 3, 4, 5],
      [1, 2, 7, 4, 6],
      [1, 3, 7, 9, 6],
      [0, 3, 8, 9, 5],
      [1, 3, 8, 0, 0],
    ].map((p) => Int32Array.from(p));
    expect([...vote(members)]).toEqual([1, 3, 7, 4, 5]);
    expect(() => vote([])).toThrow(/at least one member/);
    expect(() => vote([Int32Array.from([1]), Int32Array.from([1, 2])])).toThrow(/predicted/);
  });
});

describe('pictures', () => {
  it('encodes PNGs that decode to the same pixels', () => {
    const pixels = Uint8Array.from({ length: 7 * 3 }, (_, i) => (i * 13) % 256);
    const png = readPng(encodePng({ width: 7, height: 3, channels: 1, pixels }));
    expect([png.width, png.height, png.colourType]).toEqual([7, 3, 0]);
    expect([...png.pixels]).toEqual([...pixels]);
    expect(crc32(Buffer.from('IEND'))).toBe(0xae426082);
  });

  it('draws filters as tiles, darker for larger weights, each scaled to its own range', () => {
    const png = readPng(
      tilesPng(
        [
          [
            { width: 2, height: 1, values: [0, 1] },
            { width: 2, height: 1, values: [5, -5] },
          ],
        ],
        { scale: 1, gap: 1 },
      ),
    );
    expect([png.width, png.height]).toEqual([7, 3]);
    expect([...png.pixels.subarray(7, 14)]).toEqual([160, 255, 0, 160, 0, 255, 160]);
  });

  it("writes the first layer's filters and the misclassified digits", () => {
    const conv = new Network(getExperiment('conv1').layers(new RandomState(0), 10), 10);
    const filters = readPng(filtersPng([conv]));
    expect([filters.width, filters.height]).toEqual([2 + 10 * 42, 2 + 2 * 42]); // two rows of ten 5x5 filters at 8x
    const ensemble = readPng(filtersPng([conv, conv, conv]));
    expect([ensemble.width, ensemble.height]).toEqual([2 + 20 * 42, 2 + 3 * 42]); // one row of 20 per network
    const shallow = new Network(getExperiment('shallow').layers(new RandomState(0), 10), 10);
    const hidden = readPng(filtersPng([shallow]));
    expect([hidden.width, hidden.height]).toEqual([2 + 10 * 58, 2 + 10 * 58]); // 100 neurons' 28x28 weights at 2x

    const digit = readPng(digitPng(splits.test.x.subarray(0, 784)));
    expect([digit.width, digit.height]).toEqual([28, 28]);
    expect(digit.pixels[0]).toBe(255); // white background
    expect(Math.min(...digit.pixels)).toBeLessThan(30); // dark ink

    const labels = Int32Array.from([7, 2, 1, 0, 4]);
    const predictions = Int32Array.from([7, 3, 1, 6, 4]);
    const svg = misclassifiedSvg({ images: splits.test.x.subarray(0, 5 * 784), labels, predictions, title: 'test <net> & co' });
    const { root, elements } = parseXml(svg);
    expect(root).toBe('svg');
    expect(elements.get('image')).toBe(2);
    expect(svg).toContain('test &lt;net&gt; &amp; co: 2 of 5 test images misclassified');
    expect(svg).toContain('<title>test image 1: label 2, predicted 3</title>');
    expect(svg).toContain('<title>test image 3: label 0, predicted 6</title>');
    for (const m of svg.matchAll(/href="data:image\/png;base64,([^"]+)"/g)) expect(readPng(Buffer.from(m[1]!, 'base64')).width).toBe(28);
  });

  it('a run writes well-formed pictures beside its results', () => {
    const path = join(tmp, 'pics', 'conv1.json');
    runExperiment(defaultConfig('conv1', { epochs: 1, trainSize: 50, validationSize: 50, testSize: 50, trainEvalSize: 50 }), {
      splits: small(50),
      results: path,
      ...quiet,
    });
    const filters = readPng(readFileSync(join(tmp, 'pics', 'conv1.filters.png')));
    expect([filters.width, filters.height]).toEqual([422, 86]);
    const mis = readFileSync(join(tmp, 'pics', 'conv1.misclassified.svg'), 'utf8');
    expect(parseXml(mis).root).toBe('svg');
    const results = JSON.parse(readFileSync(path, 'utf8')) as ResultsFile;
    expect(mis).toContain(`: ${results.misclassified} of 50 test images misclassified`);
    const curve = readFileSync(join(tmp, 'pics', 'conv1.svg'), 'utf8');
    expect(parseXml(curve).root).toBe('svg');
  });
});
