import { defineConfig } from 'vite';

/** The browser test harness page; built for the e2e run, never part of the app. */
export default defineConfig({
	root: 'tests/browser',
	base: './',
	worker: { format: 'es' },
	build: { outDir: '.dist', emptyOutDir: true, target: 'es2022' }
});
