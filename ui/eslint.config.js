import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    files: ['**/*.{ts,tsx}'],
    languageOptions: { globals: globals.browser },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      // Only the platform layer talks to Tauri, so screens stay testable and portable.
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@tauri-apps/*'],
              message: 'Import Tauri only in src/platform/ipc.ts; use its typed functions elsewhere.',
            },
          ],
        },
      ],
    },
  },
  {
    // The generated command functions name Tauri's Channel type (a type only: no runtime import).
    files: ['src/platform/**', 'src/generated/**'],
    rules: { 'no-restricted-imports': 'off' },
  },
);
