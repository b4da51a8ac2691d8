// @ts-check
const js = require('@eslint/js');
const tseslint = require('typescript-eslint');
const prettier = require('eslint-config-prettier');

module.exports = tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'coverage/**', 'devTools/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        {
          selector:
            'CallExpression[callee.object.name=/^(it|test|describe)$/][callee.property.name=/^(only|skip)$/]',
          message: 'No focused or skipped tests.',
        },
      ],
    },
  },
  {
    files: ['src/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'botbuilder-dialogs',
              allowTypeImports: true,
              message:
                'Its index loads every prompt and the Recognizers-Text suites (~20 MB): take values from src/dialogs/dialogRuntime.ts.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: ['botbuilder*', 'restify', '{..,../..}/{bot,dialogs,cards}{,/**}', '*.json'] },
      ],
    },
  },
  {
    files: ['src/partnercenter/**/*.ts'],
    rules: {
      // The client knows nothing of the rest of the product: only its own folder and packages.
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            '{..,../..}/{bot,dialogs,cards,workflows,store,jobs,simulator,i18n}{,/**}',
            '{..,../..}/{config,main,logging}',
          ],
        },
      ],
    },
  },
  {
    files: ['src/simulator/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['{..,../..}/partnercenter{,/**}'] }] },
  },
  {
    files: ['**/*.js'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
    languageOptions: {
      sourceType: 'commonjs',
      globals: {
        require: 'readonly',
        module: 'writable',
        __dirname: 'readonly',
        process: 'readonly',
        console: 'readonly',
      },
    },
  },
);
