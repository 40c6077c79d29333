/**
 * `npm run playground`: builds the playground (build.ts) and serves playground/ on 127.0.0.1.
 * The port comes from $PORT (default: a free one); the URL is printed.
 */
import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildPlayground, playgroundDir } from './build.js';

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
};

/** Serves the files under playground/ (nothing outside it); resolves with the server and its URL. */
export function serve(port = 0): Promise<{ server: Server; url: string }> {
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    const file = normalize(join(playgroundDir, path.endsWith('/') ? path + 'index.html' : path));
    if (!file.startsWith(playgroundDir + sep) || !(extname(file) in types)) {
      res.writeHead(404).end('not found');
      return;
    }
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': types[extname(file)]!, 'cache-control': 'no-store' }).end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  return listenOnLoopback(server, port);
}

/** Starts `server` on 127.0.0.1 (port 0: a free one); resolves with it and its URL. */
export function listenOnLoopback(server: Server, port: number): Promise<{ server: Server; url: string }> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      const actual = typeof address === 'object' && address ? address.port : port;
      resolve({ server, url: `http://127.0.0.1:${actual}/` });
    });
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await buildPlayground();
  const { url } = await serve(Number(process.env['PORT'] ?? 0));
  console.log(`tsano playground: ${url}  (Ctrl-C to stop)`);
}
