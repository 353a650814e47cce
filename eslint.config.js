// Lint rules: typescript-eslint's recommended set; `any` only in migrations (frozen on Kysely<any>).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', '.data/**', '.tap/**', 'coverage/**', '.scratch/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      'no-console': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  { files: ['migrations/**'], rules: { '@typescript-eslint/no-explicit-any': 'off' } },
  { files: ['bench/**', 'src/cli/**'], rules: { 'no-console': 'off' } },
);
