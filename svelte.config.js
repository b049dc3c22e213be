import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
export default {
	preprocess: vitePreprocess(),
	kit: {
		// A single-page app: every route renders in the browser, the fallback serves deep links.
		adapter: adapter({ fallback: 'index.html', strict: true }),
		serviceWorker: { register: false },
		alias: { $vdfs: 'src/lib/vdfs' }
	}
};
