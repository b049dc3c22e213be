import { VdfsError, deserializeError, serializeError, type SerializedError } from '$lib/vdfs/errors';
import { INITIAL_PEER_STATE, type PeerState } from './state';

/**
 * What every tab can ask of the peer node. Only the leader tab runs the node (DESIGN.md §1);
 * the others reach it over a BroadcastChannel, as they reach the core. A pairing link opened in
 * a new tab is so carried out by the leader's node.
 */
export interface PeersApi {
	state(): PeerState;
	onState(listener: (state: PeerState) => void): () => void;
	/** A one-time link (and its expiry) that pairs another device with the open library. */
	createInvite(): Promise<{ link: string; invite: string; expiresAt: number; libraryName: string }>;
	/** Takes back an invite that was not used (all of them without `invite`). */
	cancelInvites(invite?: string): Promise<void>;
	/** Pairs with the device that made the link; resolves once both sides have stored it. */
	pair(link: string): Promise<{ deviceName: string; libraryName: string }>;
	/** One round trip on the open ping stream to a paired device, ms. */
	ping(peerId: string): Promise<number>;
	removeDevice(id: string): Promise<void>;
	/** Starts the node again with the current settings (after they change). */
	restart(): Promise<void>;
}

export type PeerOp = Exclude<keyof PeersApi, 'state' | 'onState'>;

const CHANNEL = 'orrery-peers';

type Message =
	| { kind: 'state'; state: PeerState }
	| { kind: 'hello' }
	| { kind: 'request'; id: string; op: PeerOp; args: unknown[] }
	| { kind: 'response'; id: string; ok: true; value: unknown }
	| { kind: 'response'; id: string; ok: false; error: SerializedError };

/** The leader's side: answers the other tabs' requests and tells them every state change. */
const OPS: readonly PeerOp[] = ['createInvite', 'cancelInvites', 'pair', 'ping', 'removeDevice', 'restart'];

export function servePeers(local: PeersApi, ready: () => Promise<void> = () => Promise.resolve()): () => void {
	const channel = new BroadcastChannel(CHANNEL);
	const post = (m: Message) => channel.postMessage(m);
	const off = local.onState((state) => post({ kind: 'state', state }));
	channel.onmessage = (e: MessageEvent<Message>) => {
		const m = e.data;
		if (m.kind === 'hello') post({ kind: 'state', state: local.state() });
		if (m.kind !== 'request' || !OPS.includes(m.op)) return;
		const fn = local[m.op] as (...args: unknown[]) => Promise<unknown>;
		ready()
			.then(() => fn.apply(local, Array.isArray(m.args) ? m.args : []))
			.then(
				(value) => post({ kind: 'response', id: m.id, ok: true, value }),
				(error: unknown) => post({ kind: 'response', id: m.id, ok: false, error: serializeError(error) })
			);
	};
	post({ kind: 'state', state: local.state() });
	return () => {
		off();
		channel.close();
	};
}

/** Another tab's view: the leader's state as it is told, and its requests sent to the leader. */
export function remotePeers(): PeersApi & { close(): void } {
	const channel = new BroadcastChannel(CHANNEL);
	let state: PeerState = INITIAL_PEER_STATE;
	const listeners = new Set<(state: PeerState) => void>();
	const pending = new Map<string, { resolve: (v: unknown) => void; reject: (e: VdfsError) => void }>();
	channel.onmessage = (e: MessageEvent<Message>) => {
		const m = e.data;
		if (m.kind === 'state') {
			state = m.state;
			for (const l of listeners) l(state);
		} else if (m.kind === 'response') {
			const p = pending.get(m.id);
			pending.delete(m.id);
			if (m.ok) p?.resolve(m.value);
			else p?.reject(deserializeError(m.error));
		}
	};
	channel.postMessage({ kind: 'hello' } satisfies Message);
	const call =
		(op: PeerOp) =>
		(...args: unknown[]): Promise<never> =>
			new Promise((resolve, reject) => {
				const id = crypto.randomUUID();
				pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
				channel.postMessage({ kind: 'request', id, op, args } satisfies Message);
				// Pairing waits on another device; everything else answers quickly.
				setTimeout(
					() => {
						if (!pending.delete(id)) return;
						reject(new VdfsError('CoreUnavailable', 'The tab that runs Orrery’s peer connections did not answer.'));
					},
					op === 'pair' ? 60_000 : 15_000
				);
			});
	return {
		state: () => state,
		onState: (l) => {
			listeners.add(l);
			return () => listeners.delete(l);
		},
		createInvite: call('createInvite'),
		cancelInvites: call('cancelInvites'),
		pair: call('pair'),
		ping: call('ping'),
		removeDevice: call('removeDevice'),
		restart: call('restart'),
		close: () => channel.close()
	};
}
