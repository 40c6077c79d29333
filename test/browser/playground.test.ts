/**
 * The browser playground end to end: builds the bundle, serves it, drives Debian's Chromium (never a downloaded
 * browser) through playwright-core, compiles a program on the page, draws a digit, and saves a screenshot to
 * test/artifacts/playground.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Server } from 'node:http';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildPlayground } from '../../playground/build.js';
import { serve } from '../../playground/serve.js';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const artifacts = join(__dirname, '..', 'artifacts');

describe('playground in Chromium', { timeout: 120_000 }, () => {
  let server: Server | undefined;
  let browser: Browser | undefined;
  let page: Page;
  const pageErrors: string[] = [];
  // A failed setup (no Chromium, a broken bundle) fails every test with its message: vitest would only skip them.
  let setupError: unknown;
  const ready = () => {
    if (setupError) throw setupError;
  };

  beforeAll(async () => {
    try {
      if (!existsSync(CHROMIUM)) {
        throw new Error(`${CHROMIUM} not found: this test needs Debian's Chromium (apt-get install -y chromium; .ci/run installs it)`);
      }
      await buildPlayground();
      const served = await serve(0);
      server = served.server;
      browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
      page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      page.on('pageerror', (e) => pageErrors.push(e.message));
      await page.goto(served.url);
    } catch (e) {
      setupError = e;
    }
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  });

  it('shows the error of a broken program on the page', async () => {
    ready();
    await page.fill('#code', "const x = T.matrix('x'); return { inputs: [x], outputs: [T.dot(x, T.vector('v').dimshuffle('x', 0, 'x'))], values: [] };");
    await page.click('#compile');
    await page.locator('#compile-status', { hasText: /^failed$/ }).waitFor();
    expect(await page.textContent('#error')).toMatch(/\w+Error: /);
  });

  it('compiles a program: fused kernel, result, debugprints and SVG', async () => {
    ready();
    await page.fill(
      '#code',
      ["const x = T.matrix('x');", 'const y = T.exp(x).mul(2).add(1).sum();', 'return { inputs: [x], outputs: [y], values: [[[1, 2], [3, 4]]] };'].join('\n'),
    );
    await page.click('#compile');
    await page.locator('#compile-status', { hasText: /^(done|failed)$/ }).waitFor();
    expect(await page.isHidden('#error'), (await page.textContent('#error')) ?? '').toBe(true);

    const kernels = await page.$$eval('.kernel', (ks) => ks.map((k) => k.textContent ?? ''));
    expect(kernels).toHaveLength(1); // exp, mul, add and the sum fused into one loop
    expect(kernels[0]).toMatch(/^fused\w*\{/);
    expect(kernels[0]).toContain('ops: exp, mul, add, sum');
    expect(kernels[0]).toContain('Math.exp');

    const result = (await page.textContent('#result')) ?? '';
    expect(result).toContain('float32 shape []');
    const value = Number(/\n(-?[\d.e+-]+)\n/.exec(result)?.[1]);
    const expected = 2 * [1, 2, 3, 4].reduce((s, v) => s + Math.exp(v), 0) + 4;
    expect(value).toBeCloseTo(expected, 3);

    expect(await page.textContent('#before')).toMatch(/^sum\{axis=\(0,1\)\}[^]*exp/);
    expect(await page.textContent('#after')).toMatch(/^fused/);
    expect(await page.locator('#svg svg').count()).toBe(1);
    expect(await page.locator('#svg svg g.node').count()).toBeGreaterThan(1);
  });

  it('trains the digit model and classifies a drawn digit', async () => {
    ready();
    await page.waitForSelector('#digits[data-state="trained"], #digits[data-state="failed"]', { timeout: 90_000 });
    const status = (await page.textContent('#train-status')) ?? '';
    expect(status).toMatch(/accuracy on 500 MNIST test digits: \d+\.\d%/);
    expect(Number(/(\d+\.\d)%/.exec(status)![1])).toBeGreaterThan(75);

    // A "7": a bar across the top, then a stroke down to the lower left.
    await page.locator('#pad').scrollIntoViewIfNeeded();
    const box = (await page.locator('#pad').boundingBox())!;
    const to = (x: number, y: number) => page.mouse.move(box.x + x, box.y + y, { steps: 8 });
    await to(80, 60);
    await page.mouse.down();
    await to(200, 60);
    await to(130, 230);
    await page.mouse.up();
    await page.locator('#prediction', { hasText: /^[0-9]$/ }).waitFor();
    expect(await page.locator('#probs .prob').count()).toBe(10);

    mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: join(artifacts, 'playground.png'), fullPage: true });
    expect(pageErrors).toEqual([]);
  });
});
