import type { GpuCase } from './types.js';
import { ELEMENTWISE_CASES } from './elementwise.js';
import { NNET_CASES } from './nnet.js';
import { RANDOM_CASES } from './random.js';

export const ALL_GPU_CASES: readonly GpuCase[] = [...ELEMENTWISE_CASES, ...NNET_CASES, ...RANDOM_CASES];
