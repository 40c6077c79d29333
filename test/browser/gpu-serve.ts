/**
 * Bundles the browser GPU page (gpu-page.ts, with the library sources and the GPU cases) with esbuild, in memory, and
 * serves it on 127.0.0.1. gpu-ops.test.ts drives it in Chromium; to watch it in a browser of your own:
 *   npx tsx test/browser/gpu-serve.ts        (then open the URL; the results are in globalThis.__tsanoGpu)
 */
import { build } from 'esbuild';
import { createServer, type Server } from 'node:http';
import { listenOnLoopback } from '../../playground/serve.js';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

const HTML = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>tsano GPU ops on webgl2</title>
    <link rel="icon" href="data:," />
    <script type="module" src="/gpu-page.js"></script>
  </head>
  <body>
    <p>tsano's GPU op cases run on gpu.js's webgl2 mode; the results are in <code>globalThis.__tsanoGpu</code>.</p>
  </body>
</html>
`;

/** The page script: esbuild resolves the TypeScript sources and gpu.js's browser build (its package's `browser` field). */
export async function bundleGpuPage(): Promise<string> {
  const out = await build({
    entryPoints: [join(here, 'gpu-page.ts')],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    sourcemap: 'inline',
    // A node: module imported dynamically (only on Node code paths) stays an import that the browser never runs.
    external: ['node:*'],
    logLevel: 'warning',
  });
  return out.outputFiles[0]!.text;
}

/** Serves the page (/) and its script (/gpu-page.js), nothing else; resolves with the server and its URL. */
export async function serveGpuPage(port = 0): Promise<{ server: Server; url: string }> {
  const script = await bundleGpuPage();
  const files: Record<string, [string, string]> = {
    '/': ['text/html; charset=utf-8', HTML],
    '/gpu-page.js': ['text/javascript; charset=utf-8', script],
  };
  const server = createServer((req, res) => {
    const file = files[new URL(req.url ?? '/', 'http://localhost').pathname];
    if (!file) res.writeHead(404).end('not found');
    else res.writeHead(200, { 'content-type': file[0], 'cache-control': 'no-store' }).end(file[1]);
  });
  return listenOnLoopback(server, port);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { url } = await serveGpuPage(Number(process.env['PORT'] ?? 0));
  console.log(`tsano GPU page: ${url}  (Ctrl-C to stop)`);
}
