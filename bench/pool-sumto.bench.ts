/**
 * network3's max pooling (ws 2, mode max), its gradient and sumTo (a conv bias gradient), float32, mini-batch
 * 10: the kernels as they were before the fast paths (the general window-table kernels, and sumTo's old loop copied
 * below) against the ops' perform now, in one run.
 * Old and new are timed in alternating chunks of calls; prints each one's median µs per call over the chunks
 * and checks that both give the same bits.
 *
 *   npx tsx bench/pool-sumto.bench.ts [chunks]
 */
import { T } from '../src/index.js';
import { NDArray } from '../src/ir/ndarray.js';
import type { TypedArray } from '../src/ir/dtype.js';
import type { Apply } from '../src/ir/variable.js';
import { GeometryCache, resolvePoolOptions } from '../src/ops/pool-geometry.js';
import { pool2d, poolMaxF32 } from '../src/ops/pool2d.js';
import { maxGrad, pool2dGrad } from '../src/ops/pool2d-grad.js';
import { sumTo } from '../src/ops/sum-to.js';

const chunks = Number(process.argv[2] ?? 15);

function rand(shape: number[], seed: number): NDArray {
  let s = seed >>> 0;
  const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < data.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    data[i] = s / 4294967296 - 0.5;
  }
  return new NDArray('float32', shape, data);
}

/** Median µs per call over `chunks` chunks of calls, old and new alternating. */
function compare(old: () => void, now: () => void): [number, number] {
  const perChunk = 20;
  const t: [number[], number[]] = [[], []];
  for (let c = -3; c < chunks; c++) {
    [old, now].forEach((fn, k) => {
      const start = process.hrtime.bigint();
      for (let i = 0; i < perChunk; i++) fn();
      if (c >= 0) t[k]!.push(Number(process.hrtime.bigint() - start) / 1e3 / perChunk);
    });
  }
  const median = (a: number[]): number => a.sort((x, y) => x - y)[a.length >> 1]!;
  return [median(t[0]), median(t[1])];
}

function sameBits(a: TypedArray, b: TypedArray): boolean {
  const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

function report(what: string, [old, now]: [number, number], n: number, same: boolean): void {
  const ns = ((now * 1e3) / n).toFixed(2);
  console.log(
    `${what.padEnd(34)} old ${old.toFixed(1).padStart(6)} µs   new ${now.toFixed(1).padStart(6)} µs   ×${(old / now).toFixed(1).padStart(4)}   ${ns} ns/elem   ${same ? 'same bits' : 'DIFFERENT'}`,
  );
}

const p = resolvePoolOptions({ ws: [2, 2] });
console.log(`float32, median of ${chunks} chunks`);
for (const shape of [
  [10, 20, 24, 24],
  [10, 40, 8, 8],
]) {
  const x = rand(shape, 1);
  const pooledShape = [shape[0]!, shape[1]!, shape[2]! >> 1, shape[3]! >> 1];
  const xv = T.ftensor4('x');
  const fwd = pool2d(xv, p).owner!;
  const geometry = new GeometryCache(p).get(x, fwd);
  const zOld = NDArray.zeros('float32', pooledShape);
  const zNew = NDArray.zeros('float32', pooledShape);
  const [old, now] = compare(
    () => poolMaxF32(new Int32Array(x.data.buffer), new Int32Array(zOld.data.buffer), geometry),
    () => fwd.op.perform([x], [zNew], fwd),
  );
  report(`maxPool2d (${shape.join(',')})`, [old, now], x.size, sameBits(zOld.data, zNew.data));

  const gz = rand(pooledShape, 2);
  const bwd = pool2dGrad(p, xv, T.ftensor4('z'), T.ftensor4('gz')).owner!;
  const gxOld = NDArray.zeros('float32', shape);
  const gxNew = NDArray.zeros('float32', shape);
  const grad = compare(
    () => (gxOld.data.fill(0), maxGrad(x.data, zNew.data, gz.data, gxOld.data, geometry)),
    () => bwd.op.perform([x, zNew, gz], [gxNew], bwd),
  );
  report(`maxPool2dGrad (${shape.join(',')})`, grad, x.size, sameBits(gxOld.data, gxNew.data));
}

for (const [gShape, outShape] of [
  [
    [10, 20, 12, 12],
    [1, 20, 1, 1],
  ],
  [
    [10, 40, 4, 4],
    [1, 40, 1, 1],
  ],
  [
    [10, 100],
    [1, 100],
  ],
]) {
  const g = rand(gShape!, 3);
  const node = sumTo(T.tensor('float32', gShape!.length, 'g'), T.tensor('float32', outShape!.length, 'ref')).owner!;
  const ref = NDArray.zeros('float32', outShape!);
  const outOld = NDArray.zeros('float32', outShape!);
  const outNew = NDArray.zeros('float32', outShape!);
  const times = compare(
    () => oldSumTo(g, outOld),
    () => node.op.perform([g, ref], [outNew], node as Apply),
  );
  report(`sumTo (${gShape!.join(',')}) → (${outShape!.join(',')})`, times, g.size, sameBits(outOld.data, outNew.data));
}

/* sumTo before its fast path, as it was in src/ops/sum-to.ts (pooling's old kernels are still the general path). */

function oldSumTo(g: NDArray, out: NDArray): void {
  const o = out.data;
  if (g.size === out.size) return o.set(g.data);
  o.fill(0);
  const rank = g.ndim;
  const n = g.size;
  const outStrides = out.shape.map((d, a) => (d === 1 ? 0 : out.strides[a]!));
  const idx = new Array<number>(rank).fill(0);
  const src = g.data;
  let off = 0;
  for (let i = 0; i < n; i++) {
    o[off] += src[i]!;
    for (let ax = rank - 1; ax >= 0; ax--) {
      idx[ax]!++;
      off += outStrides[ax]!;
      if (idx[ax]! < g.shape[ax]!) break;
      off -= outStrides[ax]! * idx[ax]!;
      idx[ax] = 0;
    }
  }
}
