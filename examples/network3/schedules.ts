/**
 * Learning-rate schedules (the chapter's problem: "allow the learning rate eta to be a function of the epoch
 * number"). A schedule sees the epoch number and the results of the epochs before it, so it can also follow the
 * validation accuracy, as chapter 3's rule does: halve eta when the validation accuracy stops improving.
 */
export interface EpochHistoryEntry {
  validationAccuracy: number;
}

/** eta as a function of the epoch (0-based) and the epochs already trained. */
export type EtaFn = (epoch: number, history: readonly EpochHistoryEntry[]) => number;
export type Eta = number | EtaFn;

export function etaAt(eta: Eta, epoch: number, history: readonly EpochHistoryEntry[]): number {
  const v = typeof eta === 'number' ? eta : eta(epoch, history);
  if (!(Number.isFinite(v) && v > 0)) throw new RangeError(`SGD: the learning rate for epoch ${epoch} must be a positive number; got ${v}`);
  return v;
}

/** eta0 * factor^epoch. */
export function exponentialDecay(eta0: number, factor: number): EtaFn {
  return (epoch) => eta0 * factor ** epoch;
}

/** eta0 * factor^floor(epoch / every). */
export function stepDecay(eta0: number, every: number, factor: number): EtaFn {
  return (epoch) => eta0 * factor ** Math.floor(epoch / every);
}

/**
 * Chapter 3's schedule: keep eta until the validation accuracy has not improved (strictly) for `patience` epochs,
 * then halve it and start counting again; never below eta0 / 1024 (where the book stops).
 */
export function halveOnPlateau(eta0: number, patience: number): EtaFn {
  return (_epoch, history) => {
    let eta = eta0;
    let best = -Infinity;
    let since = 0;
    for (const h of history) {
      if (h.validationAccuracy > best) {
        best = h.validationAccuracy;
        since = 0;
      } else if (++since >= patience) {
        eta = Math.max(eta / 2, eta0 / 1024);
        since = 0;
      }
    }
    return eta;
  };
}

export const SCHEDULE_HELP = `constant (default) | exp:<factor> (eta * factor^epoch) |
                          step:<k>:<factor> (eta * factor^floor(epoch/k)) |
                          halve-on-plateau[:<n>] (halve eta after n epochs without a new
                          best validation accuracy, default 10; down to eta/1024)`;

/** Parses a --eta-schedule value for a base learning rate. */
export function parseSchedule(text: string, eta0: number): Eta {
  const parts = text.split(':');
  const num = (s: string | undefined, what: string, ok: (v: number) => boolean): number => {
    const v = Number(s);
    if (s === undefined || s.trim() === '' || !Number.isFinite(v) || !ok(v)) throw new Error(`--eta-schedule ${text}: ${what}`);
    return v;
  };
  switch (parts[0]) {
    case 'constant':
      if (parts.length !== 1) break;
      return eta0;
    case 'exp':
      if (parts.length !== 2) break;
      return exponentialDecay(
        eta0,
        num(parts[1], 'the factor must be in (0, 1]', (v) => v > 0 && v <= 1),
      );
    case 'step':
      if (parts.length !== 3) break;
      return stepDecay(
        eta0,
        num(parts[1], 'k must be a positive integer', (v) => Number.isInteger(v) && v > 0),
        num(parts[2], 'the factor must be in (0, 1]', (v) => v > 0 && v <= 1),
      );
    case 'halve-on-plateau':
      if (parts.length > 2) break;
      return halveOnPlateau(eta0, parts.length === 2 ? num(parts[1], 'n must be a positive integer', (v) => Number.isInteger(v) && v > 0) : 10);
  }
  throw new Error(`--eta-schedule: unknown schedule '${text}'; known: constant, exp:<factor>, step:<k>:<factor>, halve-on-plateau[:<n>]`);
}
