import { BROADCAST_CASES } from './elementwise-broadcast.js';
import { INDEXING_CASES } from './elementwise-indexing.js';
import { REDUCE_CASES } from './elementwise-reduce.js';
import { SCALAR_CASES } from './elementwise-scalar.js';
import type { GpuCase } from './types.js';

/** Elemwise, fused kernels, reductions, shape and indexing ops (split by family in elementwise-*.ts). */
export const ELEMENTWISE_CASES: GpuCase[] = [...SCALAR_CASES, ...BROADCAST_CASES, ...REDUCE_CASES, ...INDEXING_CASES];
