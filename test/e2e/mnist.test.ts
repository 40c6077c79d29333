import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMnistSplits, mnistDataDir, readIdxImages, readIdxLabels, type IdxImages, type MnistSplits } from '../../examples/network3/mnist.js';

describe('MNIST IDX files', () => {
  const dir = mnistDataDir();
  let train: IdxImages;
  let trainLabels: Int32Array;
  let test: IdxImages;
  let testLabels: Int32Array;
  let splits: MnistSplits;

  // Loaded once: the training images alone are ~188 MB as floats.
  beforeAll(() => {
    train = readIdxImages(join(dir, 'train-images-idx3-ubyte'));
    trainLabels = readIdxLabels(join(dir, 'train-labels-idx1-ubyte'));
    test = readIdxImages(join(dir, 't10k-images-idx3-ubyte'));
    testLabels = readIdxLabels(join(dir, 't10k-labels-idx1-ubyte'));
    splits = loadMnistSplits({ dir });
  });

  it('has the expected counts and 28x28 shapes', () => {
    expect([train.count, train.rows, train.cols]).toEqual([60_000, 28, 28]);
    expect([test.count, test.rows, test.cols]).toEqual([10_000, 28, 28]);
    expect(train.pixels.length).toBe(60_000 * 784);
    expect(test.pixels.length).toBe(10_000 * 784);
    expect(trainLabels.length).toBe(60_000);
    expect(testLabels.length).toBe(10_000);
  });

  it('has the well-known first training labels', () => {
    expect(Array.from(trainLabels.subarray(0, 6))).toEqual([5, 0, 4, 1, 9, 2]);
  });

  it('scales pixels to [0,1] with real content', () => {
    for (const px of [train.pixels, test.pixels]) {
      let min = Infinity;
      let max = -Infinity;
      let bright = 0;
      for (const v of px) {
        if (v < min) min = v;
        if (v > max) max = v;
        if (v > 0.99) bright++;
      }
      expect(min).toBeGreaterThanOrEqual(0);
      expect(max).toBeLessThanOrEqual(1);
      expect(bright).toBeGreaterThan(1000);
    }
    // The first image (a "5") is not blank.
    expect(train.pixels.subarray(0, 784).some((v) => v > 0.99)).toBe(true);
  });

  it('splits 50,000 / 10,000 / 10,000 as in the book', () => {
    const { training, validation, test: t } = splits;
    expect([training.n, validation.n, t.n]).toEqual([50_000, 10_000, 10_000]);
    expect(training.x.length).toBe(50_000 * 784);
    expect(training.y.length).toBe(50_000);
    expect(validation.x.length).toBe(10_000 * 784);
    expect(validation.y.length).toBe(10_000);
    expect(t.x.length).toBe(10_000 * 784);
    expect(t.y.length).toBe(10_000);
    expect(validation.y[0]).toBe(trainLabels[50_000]);
    expect(validation.x.subarray(0, 784)).toEqual(train.pixels.subarray(50_000 * 784, 50_001 * 784));
    expect(training.x.subarray(0, 784)).toEqual(train.pixels.subarray(0, 784));
    expect(Array.from(t.y.subarray(0, 10))).toEqual(Array.from(testLabels.subarray(0, 10)));
  });

  it('truncates the training split with trainSize', () => {
    const small = loadMnistSplits({ dir, trainSize: 1000 });
    expect(small.training.n).toBe(1000);
    expect(small.training.x.length).toBe(1000 * 784);
    expect(Array.from(small.training.y.subarray(0, 6))).toEqual([5, 0, 4, 1, 9, 2]);
    expect(small.validation.n).toBe(10_000);
    expect(() => loadMnistSplits({ dir, trainSize: 50_001 })).toThrow(/trainSize/);
  });
});

describe('MNIST loader errors', () => {
  let tmp: string;
  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), 'mnist-test-'));
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  function idxHeader(magic: number, dims: number[]): Buffer {
    const buf = Buffer.alloc(4 + 4 * dims.length);
    buf.writeUInt32BE(magic, 0);
    dims.forEach((d, i) => buf.writeUInt32BE(d, 4 + 4 * i));
    return buf;
  }

  it('rejects a wrong magic number, naming the file', () => {
    const path = join(tmp, 'bad-magic-idx3-ubyte');
    writeFileSync(path, Buffer.concat([idxHeader(2049, [1, 2, 2]), Buffer.alloc(4)]));
    expect(() => readIdxImages(path)).toThrow(path);
    expect(() => readIdxImages(path)).toThrow(/magic 2051, got 2049/);
  });

  it('rejects little-endian headers', () => {
    const path = join(tmp, 'little-endian-idx1-ubyte');
    const buf = Buffer.alloc(9);
    buf.writeUInt32LE(2049, 0);
    buf.writeUInt32LE(1, 4);
    writeFileSync(path, buf);
    expect(() => readIdxLabels(path)).toThrow(path);
  });

  it('rejects a truncated image file, giving expected vs actual bytes', () => {
    const path = join(tmp, 'truncated-idx3-ubyte');
    writeFileSync(path, Buffer.concat([idxHeader(2051, [2, 28, 28]), Buffer.alloc(100)]));
    expect(() => readIdxImages(path)).toThrow(path);
    expect(() => readIdxImages(path)).toThrow(/expected 1584 bytes.*got 116/);
  });

  it('rejects a truncated label file and a too-short header', () => {
    const labels = join(tmp, 'truncated-idx1-ubyte');
    writeFileSync(labels, Buffer.concat([idxHeader(2049, [10]), Buffer.alloc(3)]));
    expect(() => readIdxLabels(labels)).toThrow(labels);
    expect(() => readIdxLabels(labels)).toThrow(/expected 18 bytes.*got 11/);

    const stub = join(tmp, 'stub-idx3-ubyte');
    writeFileSync(stub, Buffer.alloc(5));
    expect(() => readIdxImages(stub)).toThrow(stub);
  });

  it('names the path of a missing file and how to get the data', () => {
    const path = join(tmp, 'no-such-file');
    expect(() => readIdxImages(path)).toThrow(path);
    expect(() => readIdxLabels(path)).toThrow(/npm ci/);
    expect(() => loadMnistSplits({ dir: tmp })).toThrow(join(tmp, 'train-images-idx3-ubyte'));
  });

  it('honours MNIST_DIR', () => {
    const saved = process.env['MNIST_DIR'];
    try {
      process.env['MNIST_DIR'] = tmp;
      expect(mnistDataDir()).toBe(tmp);
    } finally {
      if (saved === undefined) delete process.env['MNIST_DIR'];
      else process.env['MNIST_DIR'] = saved;
    }
  });
});
