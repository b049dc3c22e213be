/**
 * One core per origin (DESIGN.md §1): the tab holding the `orrery-core` Web Lock starts the core
 * worker; every tab, the leader included, then calls the core through one CoreApi. The leader's
 * calls go straight to its worker with comlink; the others' over the BroadcastChannel bridge.
 * When the leader closes, the browser releases its lock and the next waiting tab starts a core.
 */
import { wrap, type Remote } from 'comlink';
import { CORE_METHODS, type ChangeEvent, type CoreApi } from '$lib/vdfs/api';
import { VdfsError, toVdfsError } from '$lib/vdfs/errors';
import { connectCore, EVENTS_CHANNEL } from '$lib/vdfs/rpc/bridge';
import { installErrorTransfer } from '$lib/vdfs/rpc/comlink-errors';
import type { CoreWorkerApi } from '../../workers/core.worker';

export type Role = 'connecting' | 'leader' | 'follower';

export interface CoreConnection {
	api: CoreApi;
	role(): Role;
	onRole(listener: (role: Role, error?: VdfsError) => void): () => void;
	onChange(listener: (event: ChangeEvent) => void): () => void;
}

const LOCK = 'orrery-core';

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

	// Until this tab leads, its calls go over the bridge (answered by the leader, or queued
	// until one exists, which may turn out to be this very tab).
	const api = Object.fromEntries(
		CORE_METHODS.map((m) => [
			m,
			(...args: unknown[]) => {
				const target = (worker ?? bridge.api) as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
				return target[m](...args);
			}
		])
	) as unknown as CoreApi;

	// Ask without waiting first: if another tab leads, report follower while queued for the lock.
	void navigator.locks.query().then((state) => {
		if (role === 'connecting' && state.held?.some((l) => l.name === LOCK)) setRole('follower');
	});

	void navigator.locks
		.request(LOCK, async () => {
			const w = new Worker(new URL('../../workers/core.worker.ts', import.meta.url), {
				type: 'module',
				name: 'orrery-core'
			});
			const remote = wrap<CoreWorkerApi>(w);
			try {
				await remote.ready();
				worker = remote;
				setRole('leader');
			} catch (e) {
				w.terminate();
				setRole('connecting', toVdfsError(e));
				throw e;
			}
			// Hold the lock for the life of this tab.
			await new Promise<never>(() => {});
		})
		.catch((e: unknown) => {
			console.error('The core could not start', e);
		});

	const events = new BroadcastChannel(EVENTS_CHANNEL);
	const changeListeners = new Set<(event: ChangeEvent) => void>();
	events.onmessage = (e: MessageEvent<ChangeEvent>) => {
		for (const l of changeListeners) l(e.data);
	};

	return {
		api,
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
