import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';
import svelteConfig from './svelte.config.js';

export default ts.config(
	{
		ignores: [
			'build/',
			'.svelte-kit/',
			'node_modules/',
			'test-results/',
			'playwright-report/',
			'relay/node_modules/',
			'bench/.dist/',
			'tests/browser/.dist/'
		]
	},
	js.configs.recommended,
	...ts.configs.recommended,
	...svelte.configs.recommended,
	{
		languageOptions: {
			globals: { ...globals.browser, ...globals.node },
			parserOptions: {
				projectService: { allowDefaultProject: ['playwright.config.ts'] },
				extraFileExtensions: ['.svelte'],
				tsconfigRootDir: import.meta.dirname
			}
		},
		rules: {
			// In worker and RPC code an unawaited promise is a lost error (STYLE.md).
			'@typescript-eslint/no-floating-promises': 'error',
			'@typescript-eslint/no-misused-promises': 'error',
			'@typescript-eslint/await-thenable': 'error',
			'@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
			'no-undef': 'off'
		}
	},
	{
		files: ['**/*.svelte', '**/*.svelte.ts'],
		languageOptions: { parserOptions: { parser: ts.parser, svelteConfig } }
	},
	{
		// The core runs in a worker and in Node: no UI, no SvelteKit, no Svelte.
		files: ['src/lib/vdfs/**'],
		rules: {
			'no-restricted-imports': [
				'error',
				{
					patterns: [
						{ group: ['$app/*', '$app'], message: 'src/lib/vdfs is the core: no SvelteKit imports.' },
						{ group: ['svelte', 'svelte/*'], message: 'src/lib/vdfs is the core: no Svelte imports.' },
						{
							group: ['$lib/ui', '$lib/ui/*', '**/ui/*', '$lib/client', '$lib/client/*', '**/client/*'],
							message: 'The core never imports UI or page code.'
						}
					]
				}
			],
			'no-restricted-globals': [
				'error',
				{ name: 'document', message: 'No DOM in the core.' },
				{ name: 'window', message: 'No DOM in the core: it runs in a worker.' },
				{ name: 'localStorage', message: 'Not available in workers.' }
			]
		}
	},
	{
		// The UI sees the core only through api.ts (types, errors) and the client.
		files: ['src/lib/ui/**', 'src/routes/**'],
		rules: {
			'no-restricted-imports': [
				'error',
				{
					patterns: [
						{
							group: ['$lib/vdfs/*', '!$lib/vdfs/api', '**/vdfs/*', '!**/vdfs/api'],
							message: 'The UI imports only $lib/vdfs/api and $lib/client.'
						}
					]
				}
			]
		}
	},
	{
		files: ['**/*.js', 'scripts/**', 'bench/**'],
		...ts.configs.disableTypeChecked
	}
);
