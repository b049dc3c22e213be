import { sveltekit } from '@sveltejs/kit/vite';
import { SvelteKitPWA } from '@vite-pwa/sveltekit';
import { defineConfig } from 'vitest/config';

/**
 * Where devices meet by default: the relay `npm start` runs on this machine. A build for the
 * open internet names its own: ORRERY_RELAYS='/dns4/relay.example.com/tcp/443/wss' and
 * ORRERY_ICE_SERVERS='[{"urls":["stun:stun.example.com:3478"]}]'. Users can change both in Settings.
 */
const relays = (process.env.ORRERY_RELAYS ?? '/ip4/127.0.0.1/tcp/4401/ws').split(',').filter(Boolean);
const iceServers: unknown = JSON.parse(process.env.ORRERY_ICE_SERVERS ?? '[]');

export default defineConfig({
	define: {
		__ORRERY_RELAYS__: JSON.stringify(relays),
		__ORRERY_ICE_SERVERS__: JSON.stringify(iceServers)
	},
	plugins: [
		sveltekit(),
		SvelteKitPWA({
			// injectManifest: our own service worker (src/service-worker/index.ts), so a share
			// target and other handlers can be added to it later.
			strategies: 'injectManifest',
			srcDir: 'src',
			// Kit builds src/service-worker/index.ts to /service-worker.js; this names that output.
			filename: 'service-worker.ts',
			registerType: 'prompt',
			injectRegister: false,
			manifest: false,
			injectManifest: {
				// The app shell plus sqlite3.wasm (~850 KiB), so the built app starts offline.
				globPatterns: ['client/**/*.{js,css,ico,png,svg,webp,webmanifest,wasm}'],
				maximumFileSizeToCacheInBytes: 4 * 1024 * 1024
			},
			kit: { spa: true, adapterFallback: 'index.html' },
			devOptions: { enabled: false }
		})
	],
	worker: { format: 'es' },
	// sqlite-wasm finds sqlite3.wasm next to its module; pre-bundling would move it away.
	optimizeDeps: { exclude: ['@sqlite.org/sqlite-wasm'] },
	server: { host: '127.0.0.1' },
	preview: { host: '127.0.0.1' },
	test: {
		include: ['src/**/*.test.ts', 'tests/unit/**/*.test.ts', 'relay/**/*.test.ts'],
		environment: 'node',
		testTimeout: 20_000
	}
});
