import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

// Frameworks and drivers live at the edges. Pure cores (detectors, template miner, forecaster,
// correlation, runbook planner, OTLP decoding) must never reach for them.
const EDGE_PACKAGES = [
  'kafkajs',
  'pg',
  'pg-*',
  '@electric-sql/*',
  '@nestjs/*',
  '@slack/*',
  'express',
  'pino',
  'pino-*',
  '@kubernetes/*',
  'node:http',
  'node:https',
  'node:net',
  'node:fs',
  'node:child_process',
  'http',
  'https',
  'net',
  'fs',
  'child_process',
];

const depConstraints = [
  { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: ['type:contracts'], allowedExternalImports: ['zod'] },
  { sourceTag: 'type:core', onlyDependOnLibsWithTags: ['type:contracts', 'type:core'], bannedExternalImports: EDGE_PACKAGES },
  { sourceTag: 'type:platform', onlyDependOnLibsWithTags: ['type:contracts', 'type:core', 'type:platform'] },
  { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:contracts', 'type:core', 'type:platform'] },
  { sourceTag: 'type:cli', onlyDependOnLibsWithTags: ['type:contracts', 'type:core', 'type:platform', 'type:app'] },
  { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:contracts', 'type:core', 'type:platform', 'type:testing'] },
  { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['*'] },
];

export default [
  { ignores: ['dist/**', 'node_modules/**', '.nx/**', '**/generated/**', 'coverage/**', 'test/.work/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allowCircularSelfDependency: false,
          depConstraints,
        },
      ],
    },
  },
  {
    // End-to-end suites drive the composed platform itself (`vigil start` in-process).
    files: ['test/**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        { enforceBuildableLibDependency: false, allow: ['@vigil/cli', '@vigil/api', '@vigil/ingest', '@vigil/detect-worker', '@vigil/responder'], depConstraints },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
];
