// Shared plumbing of the benchmarks: build, serve, and drive headless Chromium.
import { chromium } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { serveBuild } from '../scripts/serve.js';

export const CHROMIUM_FLAGS = [
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--disable-quic',
	'--no-first-run'
];

function run(cmd, args) {
	const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'inherit'] });
	if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed`);
}

/** Builds the app and the bench page (unless ORRERY_BENCH_NO_BUILD is set). */
export function buildAll(log) {
	if (process.env.ORRERY_BENCH_NO_BUILD && existsSync('build/index.html') && existsSync('bench/.dist/index.html'))
		return;
	log('building the app and the bench page…');
	run('npx', ['vite', 'build']);
	run('npx', ['vite', 'build', '--config', 'bench/vite.config.ts']);
}

/** A browser with the app and the bench page each served on loopback. */
export async function openBrowser() {
	const app = await serveBuild({ root: 'build', port: 0 });
	const benchPage = await serveBuild({ root: 'bench/.dist', port: 0 });
	const executablePath =
		process.env.ORRERY_CHROMIUM ?? (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined);
	const browser = await chromium.launch({ executablePath, args: CHROMIUM_FLAGS });
	return {
		browser,
		appUrl: app.url,
		benchUrl: benchPage.url,
		async close() {
			await browser.close();
			await app.close();
			await benchPage.close();
		}
	};
}

/** Opens the app in a fresh context and waits until this tab leads (runs the core). */
export async function openApp(browser, url) {
	const context = await browser.newContext();
	const page = await context.newPage();
	await page.goto(url);
	await page.waitForSelector('[data-testid=core-role][data-role=leader]', { timeout: 30_000 });
	return { context, page };
}

export function median(values) {
	const s = [...values].sort((a, b) => a - b);
	return s[Math.floor(s.length / 2)];
}

export function round(n, digits = 1) {
	const f = 10 ** digits;
	return Math.round(n * f) / f;
}
