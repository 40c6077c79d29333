/** Every fuzz property, for run.ts (the vitest files import their own area). */
import { apiProperties } from './props-api.js';
import { indexingProperties } from './props-indexing.js';
import { callProperties } from './props-call.js';
import { functionProperties } from './props-function.js';
import { graphProperties } from './props-graphs.js';
import { opsProperties } from './props-ops.js';
import { nnetProperties } from './props-nnet.js';
import { valueProperties } from './props-values.js';
import type { FuzzProperty } from './suites.js';

export const ALL_PROPERTIES: readonly FuzzProperty[] = [
  ...apiProperties,
  ...indexingProperties,
  ...callProperties,
  ...functionProperties,
  ...graphProperties,
  ...opsProperties,
  ...nnetProperties,
  ...valueProperties,
];
