// bench p2p: two devices (two browser contexts) and the real relay on loopback, inside the bench
// command's loopback-only network namespace, no STUN. They pair once; then device B is reloaded
// RUNS times and each time the clock runs from navigation start to a verified direct link with
// A (a WebRTC connection and a ping answered on it). The round trip is one small frame each way
// on the open /orrery/ping/1 stream (median of PINGS).
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { existsSync } from 'node:fs';
import { buildAll, CHROMIUM_FLAGS, median, round } from './browser.js';
import { serveBuild } from '../scripts/serve.js';

const RUNS = Number(process.env.ORRERY_BENCH_P2P_RUNS ?? 7);
const PINGS = 500;
const RELAY_PORT = 4401;
/** Debug lines carry the bench's clock (ms, last five digits): A's and B's lines interleave in time. */
const stamp = () => String(Date.now() % 100_000).padStart(5);

function startRelay(keyFile) {
	const child = spawn(
		process.execPath,
		['relay/main.js', '--port', String(RELAY_PORT), '--key-file', keyFile, '--connection-rate', '100'],
		{
			stdio: ['ignore', 'pipe', 'inherit']
		}
	);
	return new Promise((resolve, reject) => {
		let out = '';
		child.stdout.on('data', (c) => {
			out += c;
			if (/^ORRERY_RELAY /m.test(out)) resolve(child);
		});
		child.once('exit', (code) => reject(new Error(`relay exited ${code}: ${out}`)));
	});
}

async function device(browser, url, name) {
	const context = await browser.newContext({ permissions: ['camera', 'microphone'] });
	const page = await context.newPage();
	// ORRERY_BENCH_DEBUG=1: the pages' console (Orrery's dial failures and the like).
	// ORRERY_BENCH_DEBUG=libp2p:*:error (say) also turns on those libp2p logs in the pages.
	// ORRERY_BENCH_DEBUG_RTC=1 with it: each RTCPeerConnection's state changes and its `init`
	// channel's events, which is how the init channel race (init-channel.ts) was found.
	if (process.env.ORRERY_BENCH_DEBUG) {
		// debug's %c colour markers and their CSS arguments are noise in a terminal.
		const plain = (text) => text.replace(/%c/g, '').replace(/ color: #[0-9A-F]{6}( color: inherit)?/g, '');
		page.on('console', (m) => console.log(`  ${stamp()} [${name} ${m.type()}] ${plain(m.text())}`));
		await context.addInitScript((d) => localStorage.setItem('debug', d), process.env.ORRERY_BENCH_DEBUG);
		if (process.env.ORRERY_BENCH_DEBUG_RTC) await context.addInitScript(watchPeerConnections);
	}
	await page.goto(url);
	await page.waitForSelector('[data-testid=core-role][data-role=leader]', { timeout: 30_000 });
	return { context, page };
}

/** In the page, before any script: logs what ORRERY_BENCH_DEBUG_RTC promises. */
function watchPeerConnections() {
	const Peer = window.RTCPeerConnection;
	let count = 0;
	window.RTCPeerConnection = class extends Peer {
		constructor(...args) {
			super(...args);
			const log = (...a) => console.debug(`rtc pc${this.n}`, ...a);
			this.n = ++count;
			this.addEventListener('connectionstatechange', () =>
				log('connection', this.connectionState, 'sctp', this.sctp?.state, 'dtls', this.sctp?.transport.state)
			);
			this.addEventListener('datachannel', (e) => log('remote channel', e.channel.id, e.channel.label));
		}
		createDataChannel(label, init) {
			const channel = super.createDataChannel(label, init);
			if (label === 'init')
				for (const type of ['open', 'close'])
					channel.addEventListener(type, () => console.debug(`rtc pc${this.n} init ${type}`));
			return channel;
		}
	};
}

const waitRelay = (page) =>
	page.waitForFunction(() => window.orreryPeers?.state().relay === 'online', null, { timeout: 20_000 });

export default async function benchP2p({ log }) {
	buildAll(log);
	const dir = await mkdtemp(join(tmpdir(), 'orrery-bench-p2p-'));
	let relay = null;
	let app = null;
	let browser = null;
	try {
		relay = await startRelay(join(dir, 'relay.key'));
		app = await serveBuild({ root: 'build', port: 0 });
		const executablePath =
			process.env.ORRERY_CHROMIUM ?? (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined);
		browser = await chromium.launch({
			executablePath,
			args: [...CHROMIUM_FLAGS, '--allow-loopback-in-peer-connection', '--disable-features=WebRtcHideLocalIpsWithMdns']
		});
		const a = await device(browser, app.url, 'A');
		const b = await device(browser, app.url, 'B');
		for (const d of [a, b]) {
			await d.page.evaluate(() => window.orrery.createLibrary({ name: 'Bench' }));
			await waitRelay(d.page);
		}
		const { link } = await a.page.evaluate(() => window.orreryPeers.createInvite());
		await b.page.evaluate((link) => window.orreryPeers.pair(link), link);
		const peerA = await a.page.evaluate(() => window.orreryPeers.state().peerId);
		log(`paired; A is ${peerA.slice(-8)}`);

		const connect = [];
		for (let i = 0; i < RUNS; i++) {
			if (process.env.ORRERY_BENCH_DEBUG) console.log(`  ${stamp()} reload ${i + 1}`);
			await b.page.reload({ waitUntil: 'commit' });
			const ms = await b.page.evaluate(async (peer) => {
				for (const deadline = performance.now() + 30_000; performance.now() < deadline;) {
					const peers = window.orreryPeers;
					if (peers?.state().links[peer]?.kind === 'direct') {
						try {
							await peers.ping(peer);
							return performance.now();
						} catch {
							// The link may be closing: wait for the next one.
						}
					}
					await new Promise((r) => setTimeout(r, 5));
				}
				throw new Error('no direct link within 30 s of the reload');
			}, peerA);
			connect.push(ms);
			// ORRERY_BENCH_A_PING=1: A pings B at once too, which goes wrong when A still uses the
			// connection to B's previous page (peers.ts #best).
			if (process.env.ORRERY_BENCH_A_PING) {
				const peerB = await b.page.evaluate(() => window.orreryPeers.state().peerId);
				const started = Date.now();
				const outcome = await a.page.evaluate(
					(peer) =>
						window.orreryPeers.ping(peer).then(
							(rtt) => `answered (${rtt.toFixed(1)} ms)`,
							(e) => `failed: ${e.message}`
						),
					peerB
				);
				log(`A's ping to B right after: ${outcome}, ${Date.now() - started} ms in all`);
			}
			const marks = await b.page.evaluate(() =>
				performance
					.getEntriesByType('mark')
					.filter((m) => m.name.startsWith('orrery:'))
					.map((m) => `${m.name.slice(7)} ${Math.round(m.startTime)}`)
			);
			log(`run ${i + 1}: direct and verified ${round(ms, 0)} ms after navigation start (${marks.join(', ')})`);
			// A notices the old page gone before the next reload.
			await new Promise((r) => setTimeout(r, 500));
		}

		const rtts = await b.page.evaluate(
			async ({ peer, n }) => {
				const out = [];
				await window.orreryPeers.ping(peer);
				for (let i = 0; i < n; i++) out.push(await window.orreryPeers.ping(peer));
				return out;
			},
			{ peer: peerA, n: PINGS }
		);
		const rtt = median(rtts);
		const connectMs = median(connect);
		log(
			`connect: median ${round(connectMs, 0)} ms of ${RUNS} (min ${round(Math.min(...connect), 0)}, max ${round(Math.max(...connect), 0)})`
		);
		log(
			`round trip: median ${round(rtt, 2)} ms of ${PINGS} (p95 ${round([...rtts].sort((x, y) => x - y)[Math.floor(PINGS * 0.95)], 2)})`
		);
		return { bench: 'p2p', connect_ms: round(connectMs, 0), rtt_ms: round(rtt, 2) };
	} finally {
		await browser?.close();
		await app?.close();
		relay?.kill('SIGKILL');
		await rm(dir, { recursive: true, force: true });
	}
}
