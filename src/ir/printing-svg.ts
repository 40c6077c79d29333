import { instance } from '@viz-js/viz';
import { toDot, type Printable } from './printing.js';

let viz: ReturnType<typeof instance> | undefined;

/** The graph as SVG, laid out by Graphviz compiled to WebAssembly (@viz-js/viz): no system install needed. */
export async function toSvg(x: Printable): Promise<string> {
  viz ??= instance();
  return (await viz).renderString(toDot(x), { format: 'svg' });
}
