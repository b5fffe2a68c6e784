// ESLint flat config: typescript-eslint's type-aware recommended rules over src/, test/, bench/
// and scripts/; formatting is prettier's (eslint-config-prettier turns off the rules it owns).
import js from '@eslint/js'
import prettier from 'eslint-config-prettier'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  {ignores: ['dist/**', 'node_modules/**', 'instrumented-c/**', 'emitters/**', 'traces/**', 'test/fixtures/**', 'oclif.manifest.json']},
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      parserOptions: {project: ['./tsconfig.test.json'], tsconfigRootDir: import.meta.dirname},
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        setImmediate: 'readonly',
        performance: 'readonly',
        TextDecoder: 'readonly',
        TextEncoder: 'readonly',
        AbortController: 'readonly',
        structuredClone: 'readonly',
        queueMicrotask: 'readonly',
        NodeJS: 'readonly',
      },
    },
    rules: {
      // unused names are errors, except the ones a signature must spell (leading underscore)
      '@typescript-eslint/no-unused-vars': ['error', {argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none'}],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      // the code's own style: empty catch blocks say why in a comment
      'no-empty': ['error', {allowEmptyCatch: true}],
      // control characters in patterns are the point where they appear (ANSI escapes, ledger escaping)
      'no-control-regex': 'off',
      // the physics modules mirror the C engine statement for statement, initial values included
      'no-useless-assignment': 'off',
    },
  },
  // the fuzzer's conditions are random draws: the same call twice is two different draws
  {files: ['scripts/fuzz/**'], rules: {'no-dupe-else-if': 'off'}},
  // tests read loosely typed JSON from the product's outputs
  {files: ['test/**'], rules: {'@typescript-eslint/no-explicit-any': 'off'}},
  {files: ['**/*.js', '**/*.cjs'], extends: [tseslint.configs.disableTypeChecked]},
  prettier,
)
