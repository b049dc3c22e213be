import { defineConfig } from '@playwright/test';
import { existsSync } from 'node:fs';

/**
 * e2e against the production build in real Chromium. Debian's /usr/bin/chromium by default
 * (Playwright cannot download browsers here); ORRERY_CHROMIUM overrides it, and where neither
 * exists Playwright's own browser is used.
 */
const chromium = process.env.ORRERY_CHROMIUM ?? (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined);
export const PORT = Number(process.env.ORRERY_E2E_PORT ?? 4399);

export default defineConfig({
	testDir: 'tests/e2e',
	outputDir: 'test-results',
	fullyParallel: false,
	workers: process.env.CI ? 1 : 2,
	retries: 0,
	timeout: 60_000,
	expect: { timeout: 10_000 },
	reporter: [['list']],
	webServer: {
		command: `node scripts/serve.js`,
		env: { PORT: String(PORT) },
		url: `http://127.0.0.1:${PORT}`,
		reuseExistingServer: false
	},
	use: {
		baseURL: `http://127.0.0.1:${PORT}`,
		trace: 'retain-on-failure',
		launchOptions: {
			executablePath: chromium,
			args: [
				'--disable-background-networking',
				'--disable-component-update',
				'--disable-sync',
				'--disable-quic',
				'--no-first-run',
				// WebRTC between two contexts on loopback (peers.spec): host candidates on 127.0.0.1.
				'--allow-loopback-in-peer-connection',
				'--disable-features=WebRtcHideLocalIpsWithMdns'
			]
		}
	}
});
