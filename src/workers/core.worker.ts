/// <reference lib="webworker" />
/**
 * The core worker: owns SQLite on OPFS (opfs-sahpool) for the whole origin. Only the leader tab
 * starts it (see src/lib/client/core-connection.ts). The page reaches it through comlink; other
 * tabs through the BroadcastChannel bridge; change events go out to every tab.
 */
import sqlite3InitModule from '@sqlite.org/sqlite-wasm';
import { expose } from 'comlink';
import { CORE_METHODS, type CoreApi } from '$lib/vdfs/api';
import { Core } from '$lib/vdfs/core';
import { installSahPool } from '$lib/vdfs/db/sahpool-storage';
import { BrowserRoots } from '$lib/vdfs/fs/browser-roots';
import type { ChangeEvent } from '$lib/vdfs/events';
import { EVENTS_CHANNEL, serveCore } from '$lib/vdfs/rpc/bridge';
import { installErrorTransfer } from '$lib/vdfs/rpc/comlink-errors';
import { HasherPool } from '$lib/vdfs/identity/hasher-pool';
import { LentProbe, type MediaProbe } from '$lib/vdfs/media/playable';

installErrorTransfer();

const events = new BroadcastChannel(EVENTS_CHANNEL);
/** The leader page lends its media elements for videos and audio (see lendMediaProbe). */
const mediaProbe = new LentProbe();

async function start(): Promise<Core> {
	const sqlite3 = await sqlite3InitModule();
	const storage = await installSahPool(sqlite3);
	const core = await Core.start({
		storage,
		emit: (event: ChangeEvent) => events.postMessage(event),
		roots: new BrowserRoots(() => new Worker(new URL('./walker.worker.ts', import.meta.url), { type: 'module' })),
		hasher: new HasherPool({
			spawn: () => new Worker(new URL('./hasher.worker.ts', import.meta.url), { type: 'module' }),
			size: hashersFromSettings()
		}),
		mediaProbe,
		defaultDeviceName: defaultDeviceName(),
		platform: navigator.userAgent
	});
	serveCore(core);
	return core;
}

/**
 * Hasher workers: one per core the page leaves free (HasherPool's default), unless the page
 * was opened with `?hashers=N` (benchmarks compare one worker with the pool).
 */
function hashersFromSettings(): number | undefined {
	const n = Number(/hashers=(\d+)/.exec(self.name)?.[1]);
	return Number.isInteger(n) && n > 0 && n <= 16 ? n : undefined;
}

function defaultDeviceName(): string {
	const ua = navigator.userAgent;
	const os = /CrOS/.test(ua)
		? 'Chromebook'
		: /Android/.test(ua)
			? 'Android'
			: /iPhone|iPad/.test(ua)
				? 'iOS'
				: /Mac/.test(ua)
					? 'Mac'
					: /Win/.test(ua)
						? 'Windows'
						: /Linux/.test(ua)
							? 'Linux'
							: 'Device';
	return `${os} browser`;
}

const started = start();
// Rejections are delivered through ready(); this keeps an early failure from being reported
// as unhandled before the page asks.
started.catch(() => {});

/** Exposed at once, before the core is up, so no early call is lost; calls wait for start. */
const facade = Object.fromEntries(
	CORE_METHODS.map((method) => [
		method,
		async (...args: unknown[]) => {
			const core = await started;
			return (core[method] as (...a: unknown[]) => Promise<unknown>).apply(core, args);
		}
	])
) as unknown as CoreApi;

expose({
	...facade,
	ready: () => started.then(() => true),
	lendMediaProbe: (probe: MediaProbe) => mediaProbe.lend(probe)
});

export type CoreWorkerApi = CoreApi & {
	ready(): Promise<true>;
	/** The page's media elements, for videos and audio (a comlink proxy). */
	lendMediaProbe(probe: MediaProbe): void;
};
