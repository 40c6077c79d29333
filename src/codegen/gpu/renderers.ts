import type { Op } from '../../ir/op.js';
import type { Apply } from '../../ir/variable.js';
import type { GpuRenderer } from './kernel-spec.js';
import { ELEMENTWISE_RENDERERS } from './ops/elementwise-renderers.js';
import { NNET_RENDERERS } from './ops/nnet-renderers.js';

/** Which ops render for the GPU: the first entry whose op class the node's op is an instance of. */
export interface RendererEntry {
  op: abstract new (...args: never[]) => Op;
  render: GpuRenderer;
}

const ALL: readonly RendererEntry[] = [...NNET_RENDERERS, ...ELEMENTWISE_RENDERERS];

export function gpuRendererFor(node: Apply): GpuRenderer | undefined {
  return ALL.find((e) => node.op instanceof e.op)?.render;
}
