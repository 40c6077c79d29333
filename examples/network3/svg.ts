/** A plain-SVG accuracy curve: training (when measured), validation and test accuracy per epoch (no dependency). */
import type { EpochResult } from './network.js';

const W = 720;
const H = 420;
const M = { left: 64, right: 24, top: 48, bottom: 52 };

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Round "nice" tick step for a range. */
function niceStep(range: number, target: number): number {
  const raw = range / target;
  const p = 10 ** Math.floor(Math.log10(raw));
  const m = raw / p;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}

export function accuracySvg(epochs: readonly EpochResult[], title: string): string {
  const allSeries = [
    {
      name: 'training',
      color: '#2ca02c',
      points: epochs.flatMap((e) => (e.trainingAccuracy === null || e.trainingAccuracy === undefined ? [] : [[e.epoch, e.trainingAccuracy * 100] as const])),
    },
    { name: 'validation', color: '#1f77b4', points: epochs.map((e) => [e.epoch, e.validationAccuracy * 100] as const) },
    { name: 'test', color: '#d62728', points: epochs.flatMap((e) => (e.testAccuracy === null ? [] : [[e.epoch, e.testAccuracy * 100] as const])) },
  ];
  // Training accuracy appears only when it was measured (--results measures it, for the overfitting diagnostics).
  const series = allSeries.filter((s) => s.name !== 'training' || s.points.length > 0);
  const ys = series.flatMap((s) => s.points.map(([, y]) => y));
  let yLo = ys.length ? Math.min(...ys) : 90;
  let yHi = ys.length ? Math.max(...ys) : 100;
  const pad = Math.max(0.25, (yHi - yLo) * 0.1);
  yLo = Math.max(0, yLo - pad);
  yHi = Math.min(100, yHi + pad);
  if (yHi - yLo < 0.5) yHi = Math.min(100, yLo + 0.5);
  const xHi = Math.max(1, epochs.length ? epochs[epochs.length - 1]!.epoch : 1);
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  const sx = (x: number): number => M.left + (x / xHi) * pw;
  const sy = (y: number): number => M.top + (1 - (y - yLo) / (yHi - yLo)) * ph;
  const f = (v: number): string => v.toFixed(1);

  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`);
  parts.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  parts.push(`<text x="${W / 2}" y="24" text-anchor="middle" font-size="14">${esc(title)}</text>`);
  // grid and y ticks
  const yStep = niceStep(yHi - yLo, 6);
  for (let y = Math.ceil(yLo / yStep) * yStep; y <= yHi + 1e-9; y += yStep) {
    parts.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${f(sy(y))}" y2="${f(sy(y))}" stroke="#ddd"/>`);
    parts.push(`<text x="${M.left - 6}" y="${f(sy(y) + 4)}" text-anchor="end">${y.toFixed(yStep < 1 ? (yStep < 0.1 ? 2 : 1) : 0)}%</text>`);
  }
  const xStep = Math.max(1, niceStep(xHi, 10));
  for (let x = 0; x <= xHi; x += xStep) {
    parts.push(`<text x="${f(sx(x))}" y="${H - M.bottom + 18}" text-anchor="middle">${x}</text>`);
  }
  parts.push(`<rect x="${M.left}" y="${M.top}" width="${pw}" height="${ph}" fill="none" stroke="#333"/>`);
  parts.push(`<text x="${M.left + pw / 2}" y="${H - 12}" text-anchor="middle">epoch</text>`);
  parts.push(`<text transform="translate(16 ${M.top + ph / 2}) rotate(-90)" text-anchor="middle">accuracy</text>`);
  for (const s of series) {
    if (s.points.length > 1) {
      parts.push(`<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${s.points.map(([x, y]) => `${f(sx(x))},${f(sy(y))}`).join(' ')}"/>`);
    }
    for (const [x, y] of s.points) {
      parts.push(`<circle cx="${f(sx(x))}" cy="${f(sy(y))}" r="3" fill="${s.color}"><title>${s.name}, epoch ${x}: ${y.toFixed(2)}%</title></circle>`);
    }
  }
  // legend
  series.forEach((s, k) => {
    const lx = W - M.right - 120;
    const ly = M.top + 16 + k * 18;
    parts.push(`<line x1="${lx}" x2="${lx + 20}" y1="${ly - 4}" y2="${ly - 4}" stroke="${s.color}" stroke-width="2"/>`);
    parts.push(`<text x="${lx + 26}" y="${ly}">${s.name}</text>`);
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
