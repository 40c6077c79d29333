import { describe, expect, it } from 'vitest';
import { Progress, formatDuration } from '../../examples/network3/progress.js';

describe('formatDuration', () => {
  it('uses tenths of a second under a minute', () => {
    expect(formatDuration(0)).toBe('0.0s');
    expect(formatDuration(12.34)).toBe('12.3s');
    expect(formatDuration(59.9)).toBe('59.9s');
  });

  it('uses minutes and padded seconds from a minute on', () => {
    expect(formatDuration(59.97)).toBe('1m 00s');
    expect(formatDuration(65)).toBe('1m 05s');
    expect(formatDuration(600)).toBe('10m 00s');
    expect(formatDuration(3723)).toBe('1h 02m 03s');
  });

  it('handles unknown and negative durations', () => {
    expect(formatDuration(NaN)).toBe('?');
    expect(formatDuration(Infinity)).toBe('?');
    expect(formatDuration(-1)).toBe('0.0s');
  });
});

/** A fake stream plus a fake clock advanced by hand. */
function harness(isTTY: boolean) {
  const writes: string[] = [];
  let t = 0;
  const stream = { isTTY, write: (s: string) => writes.push(s) };
  return { writes, stream, now: () => t, advance: (ms: number) => (t += ms) };
}

describe('Progress without a TTY', () => {
  it('prints one plain line per 10%', () => {
    const h = harness(false);
    const p = new Progress(100, 'epoch 1', { stream: h.stream, now: h.now });
    for (let i = 0; i < 100; i++) {
      h.advance(10);
      p.tick();
    }
    p.done();
    expect(h.writes).toHaveLength(10);
    expect(h.writes.every((w) => w.endsWith('\n') && !w.includes('\r'))).toBe(true);
    expect(h.writes[0]).toBe('epoch 1 10/100 10% 100.0/s elapsed 0.1s ETA 0.9s\n');
    expect(h.writes[9]).toBe('epoch 1 100/100 100% 100.0/s elapsed 1.0s ETA 0.0s\n');
  });

  it('prints a line per decile even when a tick jumps several', () => {
    const h = harness(false);
    const p = new Progress(10, 'x', { stream: h.stream, now: h.now });
    h.advance(1000);
    p.tick(5);
    expect(h.writes).toEqual(['x 5/10 50% 5.0/s elapsed 1.0s ETA 1.0s\n']);
  });

  it('done() reports an unfinished run once, and nothing after', () => {
    const h = harness(false);
    const p = new Progress(1000, 'x', { stream: h.stream, now: h.now });
    h.advance(2000);
    p.tick(50);
    expect(h.writes).toEqual([]);
    p.done();
    p.done();
    p.tick();
    expect(h.writes).toEqual(['x 50/1000 5% 25.0/s elapsed 2.0s ETA 38.0s\n']);
  });
});

describe('Progress on a TTY', () => {
  it('redraws in place at most every 100 ms and ends with a newline', () => {
    const h = harness(true);
    const p = new Progress(1000, 'x', { stream: h.stream, now: h.now });
    for (let i = 0; i < 1000; i++) {
      h.advance(1);
      p.tick();
    }
    p.done();
    // 1 s of ticks every 1 ms: ~10 redraws, plus the final one.
    expect(h.writes.length).toBeGreaterThanOrEqual(10);
    expect(h.writes.length).toBeLessThanOrEqual(12);
    expect(h.writes.every((w) => w.startsWith('\r'))).toBe(true);
    const last = h.writes.at(-1)!;
    expect(last.endsWith('\n')).toBe(true);
    expect(last).toContain('1000/1000 100%');
    expect(last).toContain('[####################]');
  });

  it('tty option overrides the stream', () => {
    const h = harness(true);
    const p = new Progress(10, 'x', { stream: h.stream, now: h.now, tty: false });
    h.advance(1000);
    p.tick(10);
    expect(h.writes).toEqual(['x 10/10 100% 10.0/s elapsed 1.0s ETA 0.0s\n']);
  });
});
