/** The chapter's ensemble: several networks vote on each test image. */

/**
 * The label most members predict for each example. Ties (e.g. 2-2-1 among 5) go to the tied label that the
 * lowest-numbered member predicted, so the result is deterministic.
 */
export function vote(memberPredictions: readonly ArrayLike<number>[], nClasses = 10): Int32Array {
  if (memberPredictions.length === 0) throw new Error('vote: needs at least one member');
  const n = memberPredictions[0]!.length;
  for (const p of memberPredictions) if (p.length !== n) throw new RangeError(`vote: members predicted ${p.length} and ${n} examples`);
  const out = new Int32Array(n);
  const counts = new Int32Array(nClasses);
  for (let i = 0; i < n; i++) {
    counts.fill(0);
    let top = 0;
    for (const p of memberPredictions) {
      const label = p[i]!;
      if (!(label >= 0 && label < nClasses)) throw new RangeError(`vote: label ${label} outside [0, ${nClasses})`);
      top = Math.max(top, ++counts[label]!);
    }
    // The earliest member whose label reaches the top count.
    out[i] = memberPredictions.map((p) => p[i]!).find((label) => counts[label] === top)!;
  }
  return out;
}

/** The fraction of predictions equal to the labels. */
export function accuracyOf(predictions: ArrayLike<number>, labels: ArrayLike<number>): number {
  let right = 0;
  for (let i = 0; i < labels.length; i++) if (predictions[i] === labels[i]) right++;
  return labels.length ? right / labels.length : 0;
}
