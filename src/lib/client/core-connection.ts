/**
 * One core per origin (DESIGN.md §1): the tab holding the `orrery-core` Web Lock starts the core
 * worker; every tab, the leader included, then calls the core through one CoreApi. The leader's
 * calls go straight to its worker with comlink; the others' over the BroadcastChannel bridge.
 * When the leader closes, the browser releases its lock and the next waiting tab starts a core.
 */
import { proxy, wrap, type Remote } from 'comlink';
import { CORE_METHODS, type ChangeEvent, type CoreApi } from '$lib/vdfs/api';
import { VdfsError, toVdfsError } from '$lib/vdfs/errors';
import { connectCore, EVENTS_CHANNEL } from '$lib/vdfs/rpc/bridge';
import { installErrorTransfer } from '$lib/vdfs/rpc/comlink-errors';
import type { CoreWorkerApi } from '../../workers/core.worker';
import { ElementProbe } from './media-probe';

export type Role = 'connecting' | 'leader' | 'follower';

export interface CoreConnection {
	api: CoreApi;
	role(): Role;
	onRole(listener: (role: Role, error?: VdfsError) => void): () => void;
	/**
	 * Resolves when this tab holds the leader lock: it will run the core (still starting). The
	 * peer node starts from here, beside the core's ~0.4 s start, not after it.
	 */
	leading: Promise<void>;
	onChange(listener: (event: ChangeEvent) => void): () => void;
}

const LOCK = 'orrery-core';
/** A core that keeps crashing is not restarted forever. */
const MAX_RESTARTS = 3;

export function connect(): CoreConnection {
	installErrorTransfer();
	const bridge = connectCore();
	let worker: Remote<CoreWorkerApi> | null = null;
	let role: Role = 'connecting';
	const roleListeners = new Set<(role: Role, error?: VdfsError) => void>();
	const setRole = (next: Role, error?: VdfsError) => {
		role = next;
		for (const l of roleListeners) l(next, error);
	};

	/** Settles when the current worker dies; calls in flight to it fail with this, not hang. */
	let workerDied: Promise<never> = new Promise(() => {});

	// Until this tab leads, its calls go over the bridge (answered by the leader, or queued
	// until one exists, which may turn out to be this very tab).
	const api = Object.fromEntries(
		CORE_METHODS.map((m) => [
			m,
			(...args: unknown[]) => {
				if (!worker)
					return (bridge.api as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[m](...args);
				const target = worker as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
				return Promise.race([target[m](...args), workerDied]);
			}
		])
	) as unknown as CoreApi;

	// Ask without waiting first: if another tab leads, report follower while queued for the lock.
	void navigator.locks.query().then((state) => {
		if (role === 'connecting' && state.held?.some((l) => l.name === LOCK)) setRole('follower');
	});

	let gotLock = () => {};
	const leading = new Promise<void>((resolve) => (gotLock = resolve));

	let crashes = 0;
	const lead = (): void => {
		void navigator.locks
			.request(LOCK, async () => {
				performance.mark('orrery:core:lock');
				gotLock();
				const died = await runCore();
				if (!died) return;
				// Released by returning: another open tab may take over, or this one again.
				if (++crashes <= MAX_RESTARTS) {
					setRole('follower');
					queueMicrotask(lead);
				} else {
					setRole(
						'connecting',
						new VdfsError('CoreUnavailable', `${died.message} It stopped ${crashes} times; reload to try again.`)
					);
				}
			})
			.catch((e: unknown) => setRole('connecting', toVdfsError(e)));
	};

	/**
	 * Starts the core worker and holds it while it lives. Resolves with why it died, or with
	 * nothing when it could not start at all (the error is shown and the lock let go, so another
	 * tab may try).
	 */
	const runCore = async (): Promise<VdfsError | undefined> => {
		let w: Worker;
		try {
			// `?hashers=N` on the page sets the hasher pool's size (benchmarks); the name carries it.
			const hashers = new URLSearchParams(location.search).get('hashers');
			w = new Worker(new URL('../../workers/core.worker.ts', import.meta.url), {
				type: 'module',
				name: hashers ? `orrery-core hashers=${hashers}` : 'orrery-core'
			});
		} catch (e) {
			setRole('connecting', toVdfsError(e));
			return undefined;
		}
		const crashed = new Promise<VdfsError>((resolve) => {
			const onError = (event: Event) => {
				console.error('The core worker stopped', event);
				resolve(
					new VdfsError(
						'CoreUnavailable',
						'The part of Orrery that runs the library stopped unexpectedly. Saved changes are kept; the last action may not have been saved.'
					)
				);
			};
			w.addEventListener('error', onError);
			w.addEventListener('messageerror', onError);
		});
		const remote = wrap<CoreWorkerApi>(w);
		try {
			const started = await Promise.race([remote.ready(), crashed]);
			if (started instanceof VdfsError) throw started;
		} catch (e) {
			w.terminate();
			setRole('connecting', toVdfsError(e));
			return undefined;
		}
		// Videos and audio are read with this page's media elements, which workers lack.
		void remote.lendMediaProbe(proxy(new ElementProbe())).catch(() => {});
		workerDied = crashed.then((e) => Promise.reject(e));
		workerDied.catch(() => {});
		worker = remote;
		performance.mark('orrery:core:ready');
		setRole('leader');
		const why = await crashed;
		worker = null;
		w.terminate();
		return why;
	};

	lead();

	const events = new BroadcastChannel(EVENTS_CHANNEL);
	const changeListeners = new Set<(event: ChangeEvent) => void>();
	events.onmessage = (e: MessageEvent<ChangeEvent>) => {
		for (const l of changeListeners) l(e.data);
	};

	return {
		api,
		leading,
		role: () => role,
		onRole: (l) => {
			roleListeners.add(l);
			return () => roleListeners.delete(l);
		},
		onChange: (l) => {
			changeListeners.add(l);
			return () => changeListeners.delete(l);
		}
	};
}

export { VdfsError };
