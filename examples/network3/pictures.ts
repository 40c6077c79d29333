/**
 * Pictures of a trained network: its first layer's learned filters (PNG) and the test digits it got wrong (SVG, each
 * digit an embedded PNG with the correct label at its top right and the predicted one at its bottom right, as the
 * chapter shows the ensemble's 33 errors).
 */
import { ConvPoolLayer, FullyConnectedLayer } from './layers.js';
import type { Network } from './network.js';
import { encodePng } from './png.js';

/** A small image of real values (a filter, a weight vector), row-major. */
export interface Tile {
  width: number;
  height: number;
  values: ArrayLike<number>;
}

/**
 * The first layer's filters: for a ConvPoolLayer each filter (and input map) as a filter-sized tile, for a
 * FullyConnectedLayer on square images each hidden neuron's weights as an image-sized tile.
 */
export function firstLayerTiles(net: Network): Tile[] {
  const layer = net.layers[0]!;
  const w = layer.w.getValue({ borrow: true });
  if (layer instanceof ConvPoolLayer) {
    const [k, c, fh, fw] = layer.filterShape;
    const tiles: Tile[] = [];
    for (let f = 0; f < k; f++) {
      for (let m = 0; m < c; m++) tiles.push({ width: fw, height: fh, values: w.data.subarray((f * c + m) * fh * fw, (f * c + m + 1) * fh * fw) });
    }
    return tiles;
  }
  if (layer instanceof FullyConnectedLayer) {
    const side = Math.round(Math.sqrt(layer.nIn));
    if (side * side !== layer.nIn) throw new Error(`firstLayerTiles: the first layer's ${layer.nIn} inputs are not a square image`);
    const tiles: Tile[] = [];
    for (let j = 0; j < layer.nOut; j++) {
      const values = new Float32Array(layer.nIn);
      for (let i = 0; i < layer.nIn; i++) values[i] = w.data[i * layer.nOut + j]!;
      tiles.push({ width: side, height: side, values });
    }
    return tiles;
  }
  throw new Error(`firstLayerTiles: cannot draw a first layer of kind ${layer.constructor.name}`);
}

export interface TilesOptions {
  /** Pixels per value (default: 8 for small tiles, 2 for images). */
  scale?: number;
  /** Pixels between tiles (default 2). */
  gap?: number;
}

/**
 * Draws rows of tiles as a grayscale PNG. Each tile is scaled to its own range, darker meaning a larger weight (the
 * book's convention for its pictures of the first layer's filters).
 */
export function tilesPng(rows: readonly (readonly Tile[])[], opts: TilesOptions = {}): Buffer {
  const all = rows.flat();
  if (all.length === 0) throw new Error('tilesPng: no tiles to draw');
  const tw = Math.max(...all.map((t) => t.width));
  const th = Math.max(...all.map((t) => t.height));
  const scale = opts.scale ?? (tw <= 8 ? 8 : 2);
  const gap = opts.gap ?? 2;
  const cols = Math.max(...rows.map((r) => r.length));
  const width = gap + cols * (tw * scale + gap);
  const height = gap + rows.length * (th * scale + gap);
  const pixels = new Uint8Array(width * height).fill(160); // gray frame
  rows.forEach((row, ry) => {
    row.forEach((tile, cx) => {
      let lo = Infinity;
      let hi = -Infinity;
      for (let i = 0; i < tile.values.length; i++) {
        lo = Math.min(lo, tile.values[i]!);
        hi = Math.max(hi, tile.values[i]!);
      }
      const range = hi > lo ? hi - lo : 1;
      const x0 = gap + cx * (tw * scale + gap);
      const y0 = gap + ry * (th * scale + gap);
      for (let y = 0; y < tile.height * scale; y++) {
        for (let x = 0; x < tile.width * scale; x++) {
          const v = tile.values[Math.floor(y / scale) * tile.width + Math.floor(x / scale)]!;
          pixels[(y0 + y) * width + x0 + x] = Math.round(255 * (1 - (v - lo) / range));
        }
      }
    });
  });
  return encodePng({ width, height, channels: 1, pixels });
}

/** Tiles wrapped into rows of `perRow`. */
export function wrapTiles(tiles: readonly Tile[], perRow: number): Tile[][] {
  const rows: Tile[][] = [];
  for (let k = 0; k < tiles.length; k += perRow) rows.push(tiles.slice(k, k + perRow));
  return rows;
}

/**
 * The first-layer filters of one network (rows of up to 10 for convolutional filters, a square grid for image-sized
 * weights), or of several (an ensemble: one row of filters per network).
 */
export function filtersPng(nets: readonly Network[]): Buffer {
  const perNet = nets.map(firstLayerTiles);
  if (perNet.length === 1) {
    const tiles = perNet[0]!;
    const small = tiles[0]!.width <= 8;
    return tilesPng(wrapTiles(tiles, small ? Math.min(10, tiles.length) : Math.ceil(Math.sqrt(tiles.length))));
  }
  return tilesPng(perNet);
}

/** A 28x28 digit (values in [0, 1], 1 = ink) as a PNG: dark ink on white, as the book shows MNIST. */
export function digitPng(pixels: ArrayLike<number>, side = 28): Buffer {
  const out = new Uint8Array(side * side);
  for (let i = 0; i < out.length; i++) out[i] = Math.round(255 * (1 - Math.min(1, Math.max(0, pixels[i]!))));
  return encodePng({ width: side, height: side, channels: 1, pixels: out });
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export interface MisclassifiedOptions {
  /** n * 784 pixels in [0, 1]. */
  images: Float32Array;
  labels: ArrayLike<number>;
  predictions: ArrayLike<number>;
  title: string;
  /** At most this many digits are drawn (default 100); the title says how many there are. */
  max?: number;
  /** Digits per row (default 10). */
  columns?: number;
}

/** The indices of the examples whose prediction differs from the label. */
export function misclassifiedIndices(labels: ArrayLike<number>, predictions: ArrayLike<number>): number[] {
  const out: number[] = [];
  for (let i = 0; i < labels.length; i++) if (labels[i] !== predictions[i]) out.push(i);
  return out;
}

/** A grid of the misclassified digits: the correct label at the top right, the predicted one (red) at the bottom right. */
export function misclassifiedSvg(opts: MisclassifiedOptions): string {
  const { images, labels, predictions, title } = opts;
  const n = labels.length;
  const wrong = misclassifiedIndices(labels, predictions);
  const shown = wrong.slice(0, opts.max ?? 100);
  const columns = opts.columns ?? 10;
  const digit = 56; // 28 pixels at scale 2
  const cellW = digit + 24;
  const cellH = digit + 12;
  const top = 56;
  const width = Math.max(480, 16 + columns * cellW);
  const height = top + Math.max(1, Math.ceil(shown.length / columns)) * cellH + 12;
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="13">`,
  );
  parts.push(`<rect width="${width}" height="${height}" fill="white"/>`);
  const count = `${wrong.length} of ${n} test images misclassified${shown.length < wrong.length ? ` (the first ${shown.length} shown)` : ''}`;
  parts.push(`<text x="8" y="20" font-size="14">${esc(title)}: ${esc(count)}</text>`);
  parts.push(`<text x="8" y="40" fill="#555">top right: the correct label; bottom right (red): the predicted label</text>`);
  shown.forEach((idx, k) => {
    const x = 8 + (k % columns) * cellW;
    const y = top + Math.floor(k / columns) * cellH;
    const href = `data:image/png;base64,${digitPng(images.subarray(idx * 784, (idx + 1) * 784)).toString('base64')}`;
    parts.push(`<g><title>test image ${idx}: label ${labels[idx]}, predicted ${predictions[idx]}</title>`);
    parts.push(`<rect x="${x - 1}" y="${y - 1}" width="${digit + 2}" height="${digit + 2}" fill="none" stroke="#ccc"/>`);
    parts.push(`<image x="${x}" y="${y}" width="${digit}" height="${digit}" href="${href}" xlink:href="${href}" style="image-rendering:pixelated"/>`);
    parts.push(`<text x="${x + digit + 4}" y="${y + 12}">${labels[idx]}</text>`);
    parts.push(`<text x="${x + digit + 4}" y="${y + digit}" fill="#d62728">${predictions[idx]}</text></g>`);
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
