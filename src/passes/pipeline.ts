import type { FunctionGraph } from '../ir/fgraph.js';
import { debugprint } from '../ir/printing.js';
import { debugLog, DebugLevel } from '../util/debug.js';
import { canonicalizeRules } from './canonicalize.js';
import { foldConstants } from './constant-folding.js';
import { fuseElementwise, fuseSumOfElementwise } from './fusion.js';
import { mergePhase } from './merge.js';
import { runRules, type PhaseReport, type Rule } from './rewrite.js';
import { specializeRules } from './specialize.js';
import { stabilizeRules } from './stabilize.js';

export type Mode = 'FAST_RUN' | 'FAST_COMPILE' | 'DEBUG_MODE' | 'NAN_GUARD';

interface Phase {
  name: string;
  /** Modes that run this phase. */
  modes: readonly Mode[];
  run(fg: FunctionGraph): PhaseReport;
}

const ALL: readonly Mode[] = ['FAST_RUN', 'FAST_COMPILE', 'DEBUG_MODE', 'NAN_GUARD'];
const OPTIMIZING: readonly Mode[] = ['FAST_RUN', 'DEBUG_MODE', 'NAN_GUARD'];
const FUSING: readonly Mode[] = ['FAST_RUN', 'DEBUG_MODE'];
const rules = (name: string, list: readonly Rule[]) => (fg: FunctionGraph) => runRules(fg, name, list);

/**
 * The compilation pipeline, in order (the one place that states it). FAST_COMPILE keeps the graph as written but
 * for merging and numerical stabilization; the other modes also fold constants, simplify, specialize and fuse.
 */
export const PHASES: readonly Phase[] = [
  { name: 'merge', modes: ALL, run: mergePhase },
  { name: 'constantFolding', modes: OPTIMIZING, run: rules('constantFolding', [foldConstants]) },
  { name: 'canonicalize', modes: OPTIMIZING, run: rules('canonicalize', canonicalizeRules) },
  { name: 'stabilize', modes: ALL, run: rules('stabilize', stabilizeRules) },
  { name: 'specialize', modes: OPTIMIZING, run: rules('specialize', specializeRules) },
  { name: 'merge', modes: OPTIMIZING, run: mergePhase },
  // NAN_GUARD keeps elementwise ops apart, so that the op that made a NaN is named, not a fused kernel.
  { name: 'fusion', modes: FUSING, run: rules('fusion', [fuseElementwise]) },
  { name: 'reductionFusion', modes: FUSING, run: rules('reductionFusion', [fuseSumOfElementwise]) },
];

/** Rewrites the graph in place for `mode`; returns what each phase did. */
export function optimize(fg: FunctionGraph, mode: Mode): PhaseReport[] {
  const reports: PhaseReport[] = [];
  for (const phase of PHASES) {
    if (!phase.modes.includes(mode)) continue;
    const report = phase.run(fg);
    reports.push(report);
    debugLog(DebugLevel.phases, () => `after ${phase.name} (${report.nodesBefore} -> ${report.nodesAfter} nodes):\n${debugprint(fg.outputs)}`);
  }
  return reports;
}
