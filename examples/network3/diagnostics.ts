/**
 * Overfitting diagnostics (the chapter's problem: "Can you think of any diagnostics to add that would make it
 * easier to understand to what extent a network is overfitting?"): per epoch the training accuracy (measured on
 * the first training images, without dropout) beside the validation accuracy, the gap between them and the
 * training cost, as CSV (for a spreadsheet) and JSON with a short summary.
 */
import type { EpochResult } from './network.js';

export interface OverfittingRow {
  epoch: number;
  eta: number;
  meanCost: number;
  trainingAccuracy: number | null;
  validationAccuracy: number;
  testAccuracy: number | null;
  /** training - validation accuracy; null without training accuracy. */
  gap: number | null;
}

export interface OverfittingReport {
  experiment: string;
  /** How many training images the training accuracy is measured on. */
  trainingEvalSize: number;
  epochs: OverfittingRow[];
  summary: {
    bestValidationEpoch: number | null;
    bestValidationAccuracy: number | null;
    finalTrainingAccuracy: number | null;
    finalValidationAccuracy: number | null;
    finalGap: number | null;
    maxGap: { epoch: number; gap: number } | null;
    /** Epochs since the best validation accuracy while the training accuracy went on rising: a sign of overfitting. */
    epochsSinceBestValidation: number | null;
    trainingAccuracyRoseSinceBest: boolean | null;
  };
}

export function overfittingRows(epochs: readonly EpochResult[]): OverfittingRow[] {
  return epochs.map((e) => ({
    epoch: e.epoch,
    eta: e.eta,
    meanCost: e.meanCost,
    trainingAccuracy: e.trainingAccuracy,
    validationAccuracy: e.validationAccuracy,
    testAccuracy: e.testAccuracy,
    gap: e.trainingAccuracy === null ? null : e.trainingAccuracy - e.validationAccuracy,
  }));
}

export function overfittingReport(experiment: string, trainingEvalSize: number, epochs: readonly EpochResult[]): OverfittingReport {
  const rows = overfittingRows(epochs);
  const last = rows.at(-1);
  let best: OverfittingRow | undefined;
  for (const r of rows) if (!best || r.validationAccuracy > best.validationAccuracy) best = r;
  let maxGap: { epoch: number; gap: number } | null = null;
  for (const r of rows) if (r.gap !== null && (!maxGap || r.gap > maxGap.gap)) maxGap = { epoch: r.epoch, gap: r.gap };
  return {
    experiment,
    trainingEvalSize,
    epochs: rows,
    summary: {
      bestValidationEpoch: best?.epoch ?? null,
      bestValidationAccuracy: best?.validationAccuracy ?? null,
      finalTrainingAccuracy: last?.trainingAccuracy ?? null,
      finalValidationAccuracy: last?.validationAccuracy ?? null,
      finalGap: last?.gap ?? null,
      maxGap,
      epochsSinceBestValidation: best && last ? last.epoch - best.epoch : null,
      trainingAccuracyRoseSinceBest:
        best && last && best.trainingAccuracy !== null && last.trainingAccuracy !== null ? last.trainingAccuracy > best.trainingAccuracy : null,
    },
  };
}

const CSV_HEADER = 'epoch,eta,mean_cost,training_accuracy,validation_accuracy,test_accuracy,gap';

export function overfittingCsv(epochs: readonly EpochResult[]): string {
  const cell = (v: number | null): string => (v === null ? '' : String(v));
  const lines = overfittingRows(epochs).map((r) =>
    [r.epoch, r.eta, r.meanCost, r.trainingAccuracy, r.validationAccuracy, r.testAccuracy, r.gap].map(cell).join(','),
  );
  return `${[CSV_HEADER, ...lines].join('\n')}\n`;
}
