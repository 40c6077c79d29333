import { sizeOf } from '../../../util/shape.js';
import { floatLiteral, oneStage, stridesOf, type GpuRenderer } from '../kernel-spec.js';

/**
 * The index into axis `a` (size n) that int vector parameter `v` holds at `pos`: negative counts from the end;
 * clamped to the axis so that a bad index cannot read outside x (wasm traps).
 */
export function wrappedIndex(v: string, pos: string, n: number, name: string): string {
  return `const ${name}r = Math.floor(${v}[${pos}] + 0.5); const ${name} = Math.min(Math.max(${name}r < 0.0 ? ${name}r + ${floatLiteral(n)} : ${name}r, 0.0), ${floatLiteral(n - 1)});`;
}

/**
 * x[i0, i1, …] with int vectors on the leading axes: output row r is the block of x at (i0[r], i1[r], …)
 * (a vector of length 1 broadcasts).
 */
export const renderAdvancedSubtensor: GpuRenderer = (node, shapes) => {
  const [xShape, ...idxShapes] = shapes.inputs as number[][];
  const out = shapes.outputs[0]!;
  const inner = sizeOf(xShape!.slice(idxShapes.length));
  const strides = stridesOf(xShape!);
  const lines = [`const i = this.thread.x;`, `const r = Math.floor(i / ${inner});`, `const j = i - r * ${inner};`];
  const terms = idxShapes.map((s, a) => {
    lines.push(wrappedIndex(`v${a}`, s[0] === 1 ? '0' : 'r', xShape![a]!, `k${a}`));
    return `k${a} * ${strides[a]}`;
  });
  const params = ['x', ...idxShapes.map((_, a) => `v${a}`)].join(', ');
  const source = `function (${params}) { ${lines.join(' ')} return x[${[...terms, 'j'].join(' + ')}]; }`;
  return oneStage(
    source,
    node.inputs.map((_, k) => k),
    sizeOf(out),
    undefined,
    node.op.toString(),
  );
};
