// One linter and formatter for every TypeScript file: neostandard's style rules (the formatting,
// fixed by `npm run lint -- --fix`) plus typescript-eslint's type-aware checks.
// indexer/ponder-env.d.ts is Ponder's: it rewrites it on every start, in its own style.
import neostandard from 'neostandard'
import tseslint from 'typescript-eslint'

export default [
  { ignores: ['dist/', 'dev-dist/', 'contracts/', 'src/chain/generated/', 'test-results/', 'playwright-report/', '.mlbridge/', 'public/', 'node/link-contract-libs.mjs', '.scratch/', 'indexer/ponder-env.d.ts', 'indexer/generated/', 'indexer/.ponder/'] },
  ...neostandard({ ts: true }),
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/only-throw-error': 'error',
      // An abort signal's reason is whatever its owner chose; passing it on is right.
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingAny: true, allowThrowingUnknown: true }],
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true, varsIgnorePattern: '^_', argsIgnorePattern: '^_' }],
      '@typescript-eslint/return-await': ['error', 'always'],
      // JSX attributes keep HTML's double quotes; several properties may share a line.
      '@stylistic/jsx-quotes': ['error', 'prefer-double'],
      '@stylistic/object-property-newline': 'off',
      // `void promise` marks a promise deliberately not awaited (no-floating-promises wants that said).
      'no-void': ['error', { allowAsStatement: true }],
      'no-restricted-imports': ['error', { paths: [{ name: 'zod', message: "Import z from src/core/zod.ts: it turns off zod's JIT, which the Content-Security-Policy forbids." }] }]
    }
  },
  { files: ['src/core/zod.ts'], rules: { 'no-restricted-imports': 'off' } }
]
