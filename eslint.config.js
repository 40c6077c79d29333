// ESLint flat config: @eslint/js and typescript-eslint recommended rules (syntactic, no type information, so
// `npm run lint` stays fast), tuned to this code base's style. Formatting is prettier's job, not ESLint's.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  {
    // Generated output and results, not source.
    ignores: ['dist/', 'docs/api/', 'node_modules/', 'examples/network3/results/', 'out/', 'playground/dist/', 'test/artifacts/', 'coverage/'],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: 'module',
      globals: { ...globals.node },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // Ops' perform/grad/outputShapes implement one interface: positional parameters they do not need are
      // named with a leading underscore (`_node`, `_o`), as are ignored destructured operands (`[_x, y]`).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      // Tests match printed, indented messages: two literal spaces read better than ` {2}`.
      'no-regex-spaces': 'off',
    },
  },
  {
    // Example programs turn low-level errors (ENOENT) into messages that say what to do.
    files: ['examples/**'],
    rules: { 'preserve-caught-error': 'off' },
  },
  {
    files: ['playground/**'],
    languageOptions: { globals: { ...globals.browser } },
  },
);
