// Minimal mini-batch progress bar. Output goes to stderr so it never mixes
// with results a caller may pipe from stdout.

export interface ProgressOptions {
  /** Where to write; defaults to process.stderr. Only write() and isTTY are used. */
  stream?: { write(chunk: string): unknown; isTTY?: boolean };
  /** Overrides stream.isTTY (e.g. to force plain lines). */
  tty?: boolean;
  /** Milliseconds clock; injectable so tests get deterministic rates. */
  now?: () => number;
}

const REDRAW_MS = 100; // ~10 redraws per second: enough to look live, cheap on slow terminals
const BAR_WIDTH = 20;

/** "12.3s" under a minute, then "1m 05s", then "1h 02m 03s". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.max(0, seconds);
  // Below 59.95 the tenths form can't round up to "60.0s".
  if (s < 59.95) return `${s.toFixed(1)}s`;
  const total = Math.round(s);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const sec = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}h ${String(m).padStart(2, '0')}m ${sec}s` : `${m}m ${sec}s`;
}

export class Progress {
  private count = 0;
  private readonly start: number;
  private lastDraw = -Infinity;
  private lastDecile = 0;
  private finished = false;
  private readonly stream: { write(chunk: string): unknown };
  private readonly tty: boolean;
  private readonly now: () => number;

  constructor(
    private readonly total: number,
    private readonly label: string,
    opts: ProgressOptions = {},
  ) {
    this.stream = opts.stream ?? process.stderr;
    this.tty = opts.tty ?? opts.stream?.isTTY ?? process.stderr.isTTY ?? false;
    this.now = opts.now ?? (() => performance.now());
    this.start = this.now();
  }

  tick(n = 1): void {
    if (this.finished) return;
    this.count += n;
    if (this.tty) {
      const t = this.now();
      if (t - this.lastDraw >= REDRAW_MS) {
        this.lastDraw = t;
        this.stream.write(`\r${this.line(true)}\x1b[K`);
      }
    } else {
      // Only report when a new 10% boundary is crossed, so logs stay short.
      const decile = this.total > 0 ? Math.min(10, Math.floor((this.count * 10) / this.total)) : 10;
      if (decile > this.lastDecile) {
        this.lastDecile = decile;
        this.stream.write(`${this.line(false)}\n`);
      }
    }
  }

  done(): void {
    if (this.finished) return;
    this.finished = true;
    if (this.tty) this.stream.write(`\r${this.line(true)}\x1b[K\n`);
    else if (this.lastDecile < 10) this.stream.write(`${this.line(false)}\n`);
  }

  private line(bar: boolean): string {
    const elapsed = (this.now() - this.start) / 1000;
    const frac = this.total > 0 ? Math.min(1, this.count / this.total) : 1;
    const rate = elapsed > 0 ? this.count / elapsed : NaN;
    const remaining = Math.max(0, this.total - this.count);
    const eta = remaining === 0 ? 0 : rate > 0 ? remaining / rate : NaN;
    const filled = Math.round(frac * BAR_WIDTH);
    const parts = [
      this.label,
      ...(bar ? [`[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}]`] : []),
      `${this.count}/${this.total}`,
      `${Math.floor(frac * 100)}%`,
      `${Number.isFinite(rate) ? rate.toFixed(1) : '?'}/s`,
      `elapsed ${formatDuration(elapsed)}`,
      `ETA ${formatDuration(eta)}`,
    ];
    return parts.join(' ');
  }
}
