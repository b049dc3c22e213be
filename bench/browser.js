// Shared plumbing of the benchmarks: build, serve, and drive headless Chromium.
import { chromium } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
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

/**
 * A browser with an on-disk profile, as installed users have. A plain Playwright context is
 * off the record, and there OPFS lives in memory behind the browser process: every SQLite
 * write on it is an IPC round trip queued behind the walk's file calls (commits measured here
 * at ~0.5 s each during a walk), which is not what users' browsers do.
 */
export async function openPersistent() {
	const app = await serveBuild({ root: 'build', port: 0 });
	const profile = await mkdtemp(join(tmpdir(), 'orrery-bench-'));
	const executablePath =
		process.env.ORRERY_CHROMIUM ?? (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined);
	const context = await chromium.launchPersistentContext(profile, {
		executablePath,
		args: CHROMIUM_FLAGS,
		headless: true
	});
	const env = {
		context,
		browser: context.browser(),
		appUrl: app.url,
		async close() {
			await context.close();
			await app.close();
			await rm(profile, { recursive: true, force: true });
		},
		/** Ends a browser that stopped answering (close() would wait on it for good), by its profile. */
		async kill() {
			// '--': the pattern starts with dashes, which pkill would take for options of its own.
			const r = spawnSync('pkill', ['-KILL', '-f', '--', `--user-data-dir=${profile}`]);
			if (r.status !== 0 && r.status !== 1) throw new Error(`pkill failed (${r.status}): ${r.stderr}`);
			await app.close();
			await rm(profile, { recursive: true, force: true });
		},
		/** Closes within `ms`, else kills: a tab that stopped answering can keep its browser open. Whether it closed. */
		async closeOrKill(ms = 30_000) {
			const closed = await Promise.race([env.close().then(() => true), delay(ms).then(() => false)]);
			if (!closed) await env.kill();
			return closed;
		}
	};
	return env;
}

/** Opens the app in a fresh context and waits until this tab leads (runs the core). */
export async function openApp(browser, url, context = null) {
	context ??= await browser.newContext();
	const page = await context.newPage();
	await page.goto(url);
	await page.waitForSelector('[data-testid=core-role][data-role=leader]', { timeout: 30_000 });
	return { context, page };
}

/** Runs a worker source in the page (a blob worker of the app's origin) and returns its answer. */
export function inWorker(page, source, message) {
	return page.evaluate(
		({ source, message }) =>
			new Promise((resolve, reject) => {
				const worker = new Worker(URL.createObjectURL(new Blob([source], { type: 'text/javascript' })));
				worker.onmessage = (e) => {
					worker.terminate();
					resolve(e.data);
				};
				worker.onerror = (e) => reject(new Error(e.message));
				worker.postMessage(message);
			}),
		{ source, message }
	);
}

/** Waits for a job to finish and returns its summary. */
export function jobDone(page, id) {
	return page.evaluate(async (id) => {
		for (;;) {
			const job = (await window.orrery.listJobs()).find((j) => j.id === id);
			if (job && ['done', 'failed', 'cancelled'].includes(job.state)) return job;
			await new Promise((r) => setTimeout(r, 250));
		}
	}, id);
}

export function median(values) {
	const s = [...values].sort((a, b) => a - b);
	return s[Math.floor(s.length / 2)];
}

export function round(n, digits = 1) {
	const f = 10 ** digits;
	return Math.round(n * f) / f;
}

/**
 * Samples the used JS heap of every page and worker of the browser (DevTools protocol,
 * Runtime.getHeapUsage on each target) and keeps the peak of their sum.
 */
export class HeapSampler {
	#browser;
	#session = null;
	#timer = null;
	#peak = 0;
	#pending = new Map();
	#attached = new Map();
	#nextId = 1;

	constructor(browser) {
		this.#browser = browser;
	}

	async start() {
		this.#session = await this.#browser.newBrowserCDPSession();
		this.#session.on('Target.receivedMessageFromTarget', ({ message }) => {
			const m = JSON.parse(message);
			this.#pending.get(m.id)?.(m.result?.usedSize ?? 0);
			this.#pending.delete(m.id);
		});
		const sample = async () => {
			const { targetInfos } = await this.#session.send('Target.getTargets');
			let sum = 0;
			for (const t of targetInfos.filter((t) => t.type === 'page' || t.type === 'worker')) {
				let sessionId = this.#attached.get(t.targetId);
				if (!sessionId) {
					({ sessionId } = await this.#session.send('Target.attachToTarget', { targetId: t.targetId, flatten: false }));
					this.#attached.set(t.targetId, sessionId);
				}
				const id = this.#nextId++;
				const used = new Promise((resolve) => this.#pending.set(id, resolve));
				await this.#session.send('Target.sendMessageToTarget', {
					sessionId,
					message: JSON.stringify({ id, method: 'Runtime.getHeapUsage' })
				});
				sum += await Promise.race([used, new Promise((r) => setTimeout(() => r(0), 1000))]);
			}
			this.#peak = Math.max(this.#peak, sum);
		};
		await sample();
		this.#timer = setInterval(() => sample().catch(() => {}), 500);
	}

	/** Stops sampling; the peak in MiB. */
	async stop() {
		if (this.#timer) clearInterval(this.#timer);
		this.#timer = null;
		if (this.#session) await this.#session.detach().catch(() => {});
		this.#session = null;
		return this.#peak / 2 ** 20;
	}
}
