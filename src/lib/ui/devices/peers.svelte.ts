import type { PeersApi } from '$lib/client/p2p/channel';
import { INITIAL_PEER_STATE, type PeerState } from '$lib/client/p2p/state';
import { toVdfsError } from '$lib/vdfs/api';
import { coreStore } from '../app/core.svelte';

/**
 * The peer node as this tab sees it: the leader tab runs it (client/p2p/local.ts, loaded only
 * there, with libp2p), the others follow it over a BroadcastChannel. One instance for the app.
 */
class PeersStore {
	state = $state<PeerState>(INITIAL_PEER_STATE);
	#api: (PeersApi & { close(): Promise<void> | void }) | null = null;
	#role: 'leader' | 'follower' | null = null;
	#off: (() => void) | null = null;
	#ready: Promise<PeersApi> | null = null;
	/** Callers that asked before this tab knew its role wait here (e.g. a pairing link just opened). */
	#waiting: ((api: Promise<PeersApi>) => void)[] = [];

	/** Follows the tab's role: starts the node when this tab leads, listens to the leader else. */
	connect(): () => void {
		return $effect.root(() => {
			$effect(() => {
				// The lock decides: the node starts while this tab's core is still starting.
				const role = coreStore.leading ? 'leader' : coreStore.role;
				if (role === 'connecting') return;
				void this.#become(role).catch(() => {});
			});
		});
	}

	get api(): Promise<PeersApi> {
		return this.#ready ?? new Promise<Promise<PeersApi>>((resolve) => this.#waiting.push(resolve)).then((p) => p);
	}

	async #become(role: 'leader' | 'follower'): Promise<void> {
		if (this.#role === role) return;
		this.#role = role;
		this.#off?.();
		this.#off = null;
		const previous = this.#api;
		this.#api = null;
		await Promise.resolve(previous?.close()).catch(() => {});
		const ready = (async () => {
			const api =
				role === 'leader'
					? await (
							await import('$lib/client/p2p/local')
						).startLocalPeers(coreStore.api, (topics, l) => coreStore.on(topics, l))
					: (await import('$lib/client/p2p/channel')).remotePeers();
			if (this.#role !== role) {
				// The role changed while this one was starting.
				await Promise.resolve(api.close()).catch(() => {});
				throw new Error('superseded');
			}
			this.#api = api;
			this.state = api.state();
			this.#off = api.onState((s) => (this.state = s));
			if (typeof window !== 'undefined') window.orreryPeers = api;
			return api;
		})();
		this.#ready = ready;
		for (const resolve of this.#waiting.splice(0)) resolve(ready);
		try {
			await ready;
		} catch (e) {
			if (this.#role !== role) return;
			// e.g. the libp2p chunk could not load in an offline app that never cached it.
			this.state = { ...INITIAL_PEER_STATE, error: toVdfsError(e).message };
		}
	}
}

export const peersStore = new PeersStore();
