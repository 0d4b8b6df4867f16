import path from 'node:path';
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

/** The package a file belongs to: libs/<name>, services/<name>, tools/<name>, or test. */
function packageOf(file) {
  const [top, name] = path.relative(import.meta.dirname, file).split(path.sep);
  return top === 'test' ? 'test' : `${top}/${name}`;
}

/**
 * A relative import must stay inside its package: another package is reached through its @app/*
 * alias (tsconfig.json paths), so its entry point stays the seam and moving files inside it breaks
 * nobody.
 */
const packageBoundaries = {
  meta: {
    type: 'problem',
    schema: [],
    messages: {
      leaves:
        "'{{specifier}}' climbs out of {{from}} into {{to}}: import another package through its @app/* alias (tsconfig.json paths; tsc-alias rewrites it in dist), not a relative path",
    },
  },
  create(context) {
    const from = packageOf(context.filename);
    const check = (source) => {
      if (source?.type !== 'Literal' || typeof source.value !== 'string' || !source.value.startsWith('.'))
        return;
      const to = packageOf(path.resolve(path.dirname(context.filename), source.value));
      if (to !== from)
        context.report({ node: source, messageId: 'leaves', data: { specifier: source.value, from, to } });
    };
    return {
      ImportDeclaration: (node) => check(node.source),
      ExportNamedDeclaration: (node) => check(node.source),
      ExportAllDeclaration: (node) => check(node.source),
      ImportExpression: (node) => check(node.source),
    };
  },
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.data/**', 'bench-results/**', '*.js', '*.mjs'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-extraneous-class': 'off',
    },
  },
  {
    files: ['**/*.ts'],
    // Jest loads its global setup outside its module registry, where moduleNameMapper does not apply.
    ignores: ['test/harness/**'],
    plugins: { local: { rules: { 'package-boundaries': packageBoundaries } } },
    rules: { 'local/package-boundaries': 'error' },
  },
  {
    files: ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts', 'test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    // Production code: what tsconfig.build.json compiles into dist.
    files: ['libs/**/*.ts', 'services/**/*.ts', 'tools/**/*.ts'],
    ignores: ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts', '**/testing/**', 'tools/bench/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@app/*/testing', '@app/test-support/*', '**/testing', '**/testing/*'],
              message:
                'test builders and fixtures are not part of the production build (tsconfig.build.json excludes testing/ folders): import them only from specs, test/ and tools/bench',
            },
          ],
        },
      ],
    },
  },
);
