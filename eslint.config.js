// @ts-check
const { builtinModules } = require('node:module');
const tseslint = require('typescript-eslint');

const nodeBuiltins = builtinModules.filter((m) => !m.startsWith('_'));

module.exports = tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'prisma/generated/', '.data/', 'coverage/'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: __dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // One catalog: its parts are spread into sv by domain/catalog.ts, and read through it only.
    files: ['**/*.ts', '**/*.tsx'],
    // catalogAdmin.ts spreads the publish forms' part (catalogPublish.ts) into sv.admin.
    ignores: ['domain/catalog.ts', 'domain/catalogAdmin.ts', 'workflows/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/catalogPages', '**/catalogAdmin', '**/catalogPublish', '**/catalogCase', '**/catalogCodes', '**/catalogEmail', '**/catalogWatchdog'], message: 'Read strings through sv from domain/catalog.' }] }],
    },
  },
  {
    // Workflow code runs in Temporal's deterministic sandbox: no Node built-ins, and activities
    // (which touch the database, mail and clocks) may be imported for their types only.
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            ...nodeBuiltins.map((name) => ({ name, message: 'Node built-ins are not allowed in workflow code.' })),
            { name: 'luxon', message: 'Compute times in an activity; workflow code must stay deterministic.' },
            { name: 'date-holidays', message: 'Compute deadlines in an activity; workflow code must stay deterministic.' },
          ],
          patterns: [
            { group: ['node:*'], message: 'Node built-ins are not allowed in workflow code.' },
            { group: ['../activities', '../activities/*', '../domain/deadlines'], allowTypeImports: true, message: 'Import activity code by type only.' },
            {
              group: ['zod', '../domain/policy', '../domain/messageSchemas', '../domain/routing'],
              allowTypeImports: true,
              message: 'Types only: each cached workflow evaluates every bundled module; values come from domain/policyTerms or domain/messageChecks.',
            },
            { group: ['../prisma/*', '../api/*', '../worker/*', '../config', '../config/*', '../security/*'], message: 'Workflow code may not reach the outside world.' },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
