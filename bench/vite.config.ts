import { resolve } from 'node:path';
import { defineConfig } from 'vite';

/** The bench-only page (raw baselines); never part of the app build. */
export default defineConfig({
	root: 'bench/web',
	base: './',
	worker: { format: 'es' },
	build: {
		outDir: '../.dist',
		emptyOutDir: true,
		target: 'es2022',
		rolldownOptions: {
			// The raw loop of `bench identify` is an entry of its own, under a fixed name: it runs
			// in the app's origin (where its tree is), handed over by the Node runner as a blob.
			input: {
				index: resolve(import.meta.dirname, 'web/index.html'),
				'identify.worker': resolve(import.meta.dirname, 'web/identify.worker.ts')
			},
			output: {
				entryFileNames: (chunk) => (chunk.name === 'identify.worker' ? '[name].js' : 'assets/[name]-[hash].js')
			}
		}
	}
});
