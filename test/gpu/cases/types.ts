import type { NDArray } from '../../../src/ir/ndarray.js';
import type { Apply } from '../../../src/ir/variable.js';

/**
 * One GPU op test: a node and its input values; the node's GPU rendering must give the CPU reference's outputs
 * (`op.perform`) within float32 tolerances. Cases are plain data so that every tier runs the same list: vitest in
 * Node (cpu, webasm, headlessgl, webgpu) and the bundled page in Chromium (webgl2).
 */
export interface GpuCase {
  /** Unique, readable: 'add broadcast (3,1)+(1,4)'. */
  name: string;
  build(): { node: Apply; inputs: NDArray[] };
  rtol?: number;
  atol?: number;
  /** Only NaN/±Inf-exact modes (cpu, webasm, webgpu): GLSL leaves NaN and infinities to the driver. */
  exactSpecials?: boolean;
}
