import { sizeOf } from '../../../util/shape.js';
import { stridesOf, unflattenIndex } from '../kernel-spec.js';

/**
 * The flat index into an input of `inShape` at the output coordinates `${coord}0..` of a rank-`outRank` output:
 * shapes align on the right (NumPy), and axes of size 1 broadcast (stride 0).
 */
export function broadcastIndex(inShape: readonly number[], outRank: number, coord: string): string {
  const pad = outRank - inShape.length;
  const strides = stridesOf(inShape);
  const terms = inShape.flatMap((d, a) => (d === 1 ? [] : [strides[a] === 1 ? `${coord}${a + pad}` : `${coord}${a + pad} * ${strides[a]}`]));
  return terms.length > 0 ? terms.join(' + ') : '0';
}

/**
 * A kernel over the broadcast of its inputs: parameters x0.., values v0.. read at each thread's output element,
 * then `body` (statements over the values that end in `return …;`). An input with as many elements as the output
 * broadcasts on no axis of size above 1, so it reads at the thread's own flat index.
 */
export function broadcastKernel(inShapes: readonly (readonly number[])[], outShape: readonly number[], body: string): string {
  const size = sizeOf(outShape);
  const indexOf = (s: readonly number[]): string => (sizeOf(s) === size ? 'i' : sizeOf(s) === 1 ? '0' : broadcastIndex(s, outShape.length, 'c'));
  const lines = ['const i = this.thread.x;'];
  if (inShapes.some((s) => indexOf(s) !== 'i' && indexOf(s) !== '0')) lines.push(unflattenIndex('i', outShape, 'c'));
  inShapes.forEach((s, k) => {
    const index = indexOf(s);
    lines.push(`const v${k} = x${k}[${index}];`);
  });
  const params = inShapes.map((_, k) => `x${k}`).join(', ');
  return `function (${params}) { ${lines.join(' ')} ${body} }`;
}
