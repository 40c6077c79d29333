/**
 * `tsano/testing`: property-testing gradients with fast-check.
 *
 *   import fc from 'fast-check';
 *   import { graphArb, gradProperty, checkGrad, ndarrayArb, shapeArb } from 'tsano/testing';
 *   fc.assert(gradProperty(graphArb()), { seed: 1, numRuns: 100 });
 *
 * - arbitraries: `dtypeArb`, `shapeArb` (with broadcastable axes), `broadcastShapesArb`, `ndarrayArb` (values
 *   away from kinks and ties);
 * - random well-typed graphs: `graphArb` over `defaultGraphOps` (or your own `GraphOp`s), shrinking to a
 *   minimal failing graph printed with `theano.printing.pp`;
 * - checks: `checkGrad(fun, points)` (verifyGrad that skips points on kinks and prints the graph when it fails),
 *   `checkGraphGrad(graphCase)`, and `gradProperty(arb)`, a ready fast-check property.
 *
 * fast-check is a peer dependency: install it beside tsano to use this module.
 *
 * @module tsano/testing
 */
export { dtypeArb, shapeArb, broadcastShapesArb, ndarrayArb, type ShapeOptions } from './arbitraries.js';
export { valuesAwayFromKinks, type ValueOptions } from './values.js';
export { graphArb, graphCase, GraphCase, type Recipe, type GraphOptions, type BuiltGraph } from './graphs.js';
export { defaultGraphOps, linearOps, nnetOps, convPoolOps } from './graph-ops-nn.js';
export {
  elementwiseOps,
  kinkOps,
  reductionOps,
  shapeOps,
  indexingOps,
  fitTo,
  reshapeTo,
  broadcastShapes,
  type GraphOp,
  type Built,
  type BuildContext,
} from './graph-ops.js';
export { findKink } from './kinks.js';
export { checkGrad, checkGraphGrad, gradProperty, type CheckGradOptions, type CheckGradResult, type GradPropertyStats } from './check-grad.js';
