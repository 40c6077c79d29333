import type { RendererEntry } from '../renderers.js';

/** Elementwise and fused kernels, reductions, shape and indexing ops. */
export const ELEMENTWISE_RENDERERS: RendererEntry[] = [];
