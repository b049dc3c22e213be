import { defineConfig } from 'vite';

/** The bench-only page (raw baselines); never part of the app build. */
export default defineConfig({
	root: 'bench/web',
	base: './',
	worker: { format: 'es' },
	build: { outDir: '../.dist', emptyOutDir: true, target: 'es2022' }
});
