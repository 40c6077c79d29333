import { geometry, type ConvGeometry, type ConvParams } from '../../../ops/conv-geometry.js';

/**
 * Kernel-text helpers shared by conv2d and its gradients. Layouts: images (batch, channels, rows, cols), filters
 * (outChannels, inChannels, fRows, fCols), all flat in C order.
 */

/** The geometry of a convolution from its images' and filters' shapes. */
export function convGeometry(p: ConvParams, image: readonly number[], filters: readonly number[]): ConvGeometry {
  return geometry(p, image[0]!, image[1]!, image[2]!, image[3]!, filters[0]!, filters[2]!, filters[3]!);
}

/** Flat index of image element (b, c, r, col). */
export function imageAt(g: ConvGeometry, b: string, c: string, r: string, col: string): string {
  return `((${b} * ${g.inC} + ${c}) * ${g.inR} + ${r}) * ${g.inW} + ${col}`;
}

/** Flat index of output (or output-gradient) element (b, o, i, j). */
export function outputAt(g: ConvGeometry, b: string, o: string, i: string, j: string): string {
  return `((${b} * ${g.outC} + ${o}) * ${g.outR} + ${i}) * ${g.outW} + ${j}`;
}

/** Flat index of the filter weight that tap (u, v) applies: flipped spatially for a true convolution. */
export function filterAt(g: ConvGeometry, flip: boolean, o: string, c: string, u: string, v: string): string {
  const fu = flip ? `${g.fR - 1} - ${u}` : u;
  const fv = flip ? `${g.fW - 1} - ${v}` : v;
  return `((${o} * ${g.inC} + ${c}) * ${g.fR} + ${fu}) * ${g.fW} + ${fv}`;
}

/** `body` guarded by lo <= idx < hi, or unguarded when the geometry keeps idx in range (no padding on the axis). */
export function within(needed: boolean, idx: string, hi: number, body: string): string {
  return needed ? `if (${idx} >= 0 && ${idx} < ${hi}) { ${body} }` : body;
}
