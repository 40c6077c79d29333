import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

const src = (path: string) => fileURLToPath(new URL(`./src/${path}`, import.meta.url));

export default defineConfig({
  resolve: {
    // The package's exports point at dist/ (built by `npm run build`); the repository's tests import 'tsano' as users
    // do but mean the source, as tsconfig.json's paths do for the type-checker.
    alias: [
      { find: /^tsano$/, replacement: src('index.ts') },
      { find: /^tsano\/testing$/, replacement: src('testing/index.ts') },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
  },
});
