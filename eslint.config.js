// ESLint flat config: typescript-eslint's recommended rules plus the house rules (named exports only,
// type-only imports marked, no Math.random: all randomness comes from src/stats/rng.ts; TensorFlow.js only
// through src/tf.ts).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'results/**', 'eslint.config.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['src/**/*.ts', 'test/**/*.ts'],
    rules: {
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': ['error', { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' }],
      'no-restricted-properties': ['error', { object: 'Math', property: 'random', message: 'Use the seeded Rng of src/stats/rng.ts.' }],
      'no-restricted-imports': [
        'error',
        { paths: [{ name: '@tensorflow/tfjs', message: "Import { tf } from src/tf.ts: an ES import of tfjs's CommonJS bundle costs 0.5-1 s per thread." }] },
      ],
    },
  },
  {
    // The one place tfjs is loaded: through require (see the file).
    files: ['src/tf.ts'],
    rules: { 'no-restricted-imports': 'off', '@typescript-eslint/no-require-imports': 'off' },
  },
);
