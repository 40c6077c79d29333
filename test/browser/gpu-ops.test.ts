/**
 * The browser GPU tier: Debian's Chromium (never a downloaded browser, driven by playwright-core) loads the bundled
 * gpu-page.ts, which runs every GPU op case on gpu.js's webgl2 mode (WebGL2 on SwiftShader, headless) with the Node
 * tiers' checkCase, and a compiled training step with device 'gpu' against the CPU. Each case is its own test here,
 * named as in ALL_GPU_CASES, so the counts are per op case like test/gpu/ops.test.ts's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import { chromium, type Browser } from 'playwright-core';
import { ALL_GPU_CASES } from '../gpu/cases/index.js';
import { exactSpecialsOn } from '../gpu/check-case.js';
import { GPU_PAGE_MODE, type GpuPageReport } from './gpu-report.js';
import { serveGpuPage } from './gpu-serve.js';

const CHROMIUM = '/usr/bin/chromium';
/**
 * Headless WebGL2 without a GPU: ANGLE on SwiftShader (Vulkan on the CPU). Newer Chromiums no longer fall back to
 * SwiftShader for WebGL on their own; --enable-unsafe-swiftshader allows it, so no --disable-gpu here.
 */
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--use-gl=angle',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
/** How long the page may take for all cases and the compiled function (SwiftShader compiles every shader on the CPU). */
const PAGE_TIMEOUT_MS = 8 * 60_000;

const cases = ALL_GPU_CASES.filter((c) => !c.exactSpecials || exactSpecialsOn(GPU_PAGE_MODE)).map((c) => c.name);
const skipped = ALL_GPU_CASES.filter((c) => c.exactSpecials && !exactSpecialsOn(GPU_PAGE_MODE)).map((c) => c.name);

describe(`GPU ops in Chromium (${GPU_PAGE_MODE})`, () => {
  let server: Server | undefined;
  let browser: Browser | undefined;
  let report: GpuPageReport;
  const pageErrors: string[] = [];
  const consoleErrors: string[] = [];
  // A failed setup (no Chromium, no WebGL2, a broken bundle, a hung page) fails every test with its message: vitest
  // would only skip them.
  let setupError: unknown;
  const ready = () => {
    if (setupError) throw setupError;
  };

  beforeAll(async () => {
    try {
      if (!existsSync(CHROMIUM)) {
        throw new Error(`${CHROMIUM} not found: this test needs Debian's Chromium (apt-get install -y chromium; .ci/run installs it)`);
      }
      const served = await serveGpuPage();
      server = served.server;
      browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
      const page = await browser.newPage();
      page.on('pageerror', (e) => pageErrors.push(e.message));
      page.on('console', (m) => {
        if (m.type() === 'error') consoleErrors.push(m.text());
      });
      await page.goto(served.url);
      const read = () => page.evaluate(() => (globalThis as { __tsanoGpu?: GpuPageReport }).__tsanoGpu);
      try {
        await page.waitForFunction(() => (globalThis as { __tsanoGpu?: GpuPageReport }).__tsanoGpu?.done === true, undefined, {
          timeout: PAGE_TIMEOUT_MS,
          polling: 500,
        });
      } catch (e) {
        const partial = await read().catch(() => undefined);
        const where = partial ? `; it was at ${partial.current ?? '?'} after ${Object.keys(partial.cases).length} cases` : '; the page set no report';
        const errors = [...pageErrors, ...consoleErrors].slice(-5).join(' | ');
        throw new Error(`the GPU page did not finish: ${(e as Error).message.split('\n')[0]}${where}${errors ? `; page errors: ${errors}` : ''}`, { cause: e });
      }
      report = (await read())!;
      if (report.error) throw new Error(`the GPU page failed: ${report.error}`);
    } catch (e) {
      setupError = e;
    }
  }, PAGE_TIMEOUT_MS + 60_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  });

  it('has a WebGL2 context and runs the cases that this mode can', () => {
    ready();
    expect(report.mode).toBe(GPU_PAGE_MODE);
    expect(report.renderer).toMatch(/^WebGL 2\.0/);
    expect(cases.length).toBeGreaterThan(0);
    expect(report.skipped).toEqual(skipped);
    expect(Object.keys(report.cases)).toEqual(cases);
  });

  it.each(cases)('%s', (name) => {
    ready();
    const result = report.cases[name];
    if (result === undefined) throw new Error(`the page did not run case '${name}'`);
    expect(result).toBeNull();
  });

  it(`trains softmax regression with device 'gpu' (${GPU_PAGE_MODE}) as on the CPU`, () => {
    ready();
    expect(report.compiledFunction).toBeNull();
    expect(report.functionKernels?.gpu).toBeGreaterThan(0);
  });

  it('has no page errors', () => {
    ready();
    expect(pageErrors).toEqual([]);
  });
});
