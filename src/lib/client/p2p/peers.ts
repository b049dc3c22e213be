import type { Connection, PeerId, Stream } from '@libp2p/interface';
import { peerIdFromString } from '@libp2p/peer-id';
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr';
import type { CoreApi, DeviceSummary } from '$lib/vdfs/api';
import { VdfsError, toVdfsError } from '$lib/vdfs/errors';
import { framed, type FramedStream } from '$lib/vdfs/p2p/frame';
import { loadPeerKey } from './key';
import { createNode, linkKind, type OrreryNode } from './node';
import {
	readCachedDevices,
	readCachedSettings,
	resolvePeerSettings,
	writeCachedDevices,
	writeCachedSettings,
	type ResolvedPeerSettings
} from './settings';
import { INITIAL_PEER_STATE, type PairingOutcome, type PeerState } from './state';

export const PING = '/orrery/ping/1';
export const DEVICE = '/orrery/device/1';

/** Relay redials back off from 250 ms to this, so a restarted relay is found again quickly. */
const RELAY_BACKOFF_MAX_MS = 2000;
/** A device that cannot be reached is tried again after at most this. */
const DEVICE_BACKOFF_MAX_MS = 5000;
/**
 * Health checks: a ping on each device link this often; a link that misses two in a row is
 * closed and dialled again (libp2p's own monitor notices a dead WebRTC peer only after 5–17 s,
 * DESIGN.md §6, and its pings under 5 s abort healthy transfers, so ours are gentler).
 */
const HEALTH_EVERY_MS = 4000;
const PING_TIMEOUT_MS = 4000;
const REFUSED_KEPT = 20;
/** A WebRTC dial through the relay gives up after this (ICE across real networks takes seconds). */
const DIAL_TIMEOUT_MS = 8000;
/** A device that refused us (another library open there) is left alone this long. */
const REFUSED_BACKOFF_MS = 60_000;
/** How long a relay may take to give a reservation after answering (libp2p's own limit is 5 s). */
const RESERVATION_WAIT_MS = 6000;

/** A device's ping stream: the connection it is opened on, and the stream once it is. */
interface PingStream {
	connection: string;
	ready: Promise<{ stream: FramedStream; busy: Promise<unknown> }>;
}

/**
 * The peer side of the leader tab: one libp2p node, a reservation kept on the relay, links to
 * every paired device of the open library (direct WebRTC where possible), and the Orrery
 * protocols that answer only those devices.
 */
export class PeerService {
	#state: PeerState = { ...INITIAL_PEER_STATE };
	#listeners = new Set<(state: PeerState) => void>();
	#node: OrreryNode | null = null;
	#settings: ResolvedPeerSettings | null = null;
	#stopped = false;
	#timers = new Set<ReturnType<typeof setTimeout>>();
	/** Paired devices of the open library by peer id, refreshed on device events. */
	#devices = new Map<string, DeviceSummary>();
	#dialing = new Map<string, Promise<void>>();
	#backoff = new Map<string, number>();
	#missed = new Map<string, number>();
	/** One ping stream per device, on the connection it was opened on (shared by callers). */
	#pingStreams = new Map<string, PingStream>();
	/** Devices that refused us lately (another library open there): not dialled again until then. */
	#refusedUntil = new Map<string, number>();
	/** Peer ids of the relays we dialled (their addresses may differ from the configured ones). */
	#relayPeers = new Set<string>();
	/** Devices being told they were removed: not hung up on until they are told. */
	#farewell = new Set<string>();
	#relayBackoff = 250;
	#relayDialing = false;

	constructor(private readonly api: CoreApi) {}

	get state(): PeerState {
		return this.#state;
	}

	get node(): OrreryNode {
		if (!this.#node) throw new VdfsError('PeerUnreachable', 'The peer network has not started in this tab.');
		return this.#node;
	}

	/** The "Add device" panel shows how a pairing through our invite ended. */
	notePairing(outcome: PairingOutcome): void {
		this.#set({ pairing: outcome });
	}

	onState(listener: (state: PeerState) => void): () => void {
		this.#listeners.add(listener);
		return () => this.#listeners.delete(listener);
	}

	#set(changes: Partial<PeerState>): void {
		this.#state = { ...this.#state, ...changes };
		for (const l of this.#listeners) l(this.#state);
	}

	async start(): Promise<void> {
		// User Timing marks (DevTools' performance panel, bench p2p): where a connect's time goes.
		performance.mark('orrery:peers:start');
		try {
			// The settings this tab saw last, so the node need not wait for the core to start; the
			// core's copy refreshes them for next time (a change made in Settings restarts the node).
			const fresh = this.api.peerSettings().then((p) => {
				writeCachedSettings(p);
				return p;
			});
			this.#settings = resolvePeerSettings(readCachedSettings() ?? (await fresh));
			fresh.catch(() => {});
			const node = await createNode({ privateKey: await loadPeerKey(), iceServers: this.#settings.iceServers });
			this.#node = node;
			await this.#handle(node);
			node.addEventListener('connection:open', (e) => this.#onConnection(e.detail));
			node.addEventListener('connection:close', (e) => this.#onClose(e.detail));
			await node.start();
			performance.mark('orrery:peers:node-started');
			// stop() may have come while the node was starting: it must not outlive the service.
			if (this.#stopped) throw new VdfsError('Cancelled', 'stopped while starting');
			this.#set({ peerId: node.peerId.toString(), relay: 'connecting' });
			// The devices this tab knew last are dialled as soon as the relay answers; the core's list
			// (which alone decides trust, per protocol) replaces them once it has started.
			this.#devices = new Map(readCachedDevices().map((d) => [d.peerId!, d]));
			this.#keepRelay();
			// The rest waits for the core, which may still be starting: not for start() to return.
			void this.api
				.setPeerId(node.peerId.toString())
				.then(() => this.refreshDevices())
				.catch((e: unknown) => console.error('Orrery: the peer node could not read this library’s devices', e));
			this.#every(HEALTH_EVERY_MS, () => this.#healthCheck());
		} catch (e) {
			await Promise.resolve(this.#node?.stop()).catch(() => {});
			if (this.#stopped) return;
			console.error('Orrery: the peer node could not start', e);
			this.#set({ error: toVdfsError(e).message });
		}
	}

	async stop(): Promise<void> {
		this.#stopped = true;
		for (const t of this.#timers) clearTimeout(t);
		this.#timers.clear();
		await Promise.resolve(this.#node?.stop()).catch(() => {});
		this.#set({ ...INITIAL_PEER_STATE });
	}

	// ---- relay

	/** Dials the relays until one answers, backing off; again whenever the relay link drops. */
	#keepRelay(): void {
		if (this.#stopped || this.#relayDialing) return;
		this.#relayDialing = true;
		void this.#dialRelay().finally(() => {
			this.#relayDialing = false;
		});
	}

	async #dialRelay(): Promise<void> {
		const relays = this.#settings?.relays ?? [];
		if (relays.length === 0) {
			this.#set({ relay: 'off', relayError: 'No relay is set: add one in Settings to reach your other devices.' });
			return;
		}
		let lastError = '';
		for (const relay of relays) {
			try {
				const connection = await this.node.dial(multiaddr(relay), { signal: AbortSignal.timeout(5000) });
				this.#relayPeers.add(connection.remotePeer.toString());
				// Devices can be dialled through it at once; our own reservation follows identify,
				// and the state turns online when it is made.
				for (const peer of this.#devices.keys()) this.#connectDevice(peer);
				this.#afterReservation(connection, relay, RESERVATION_WAIT_MS / 100);
				return;
			} catch (e) {
				lastError = `The relay at ${relay} did not answer (${toVdfsError(e).message}).`;
			}
		}
		this.#set({ relay: 'offline', relayError: lastError });
		const wait = this.#relayBackoff;
		this.#relayBackoff = Math.min(this.#relayBackoff * 2, RELAY_BACKOFF_MAX_MS);
		this.#after(wait, () => this.#keepRelay());
	}

	/** The relay connection and the relay's address with its peer id, when connected. */
	#relayAddrs(): Multiaddr[] {
		if (!this.#node) return [];
		const relays = this.#node
			.getMultiaddrs()
			.map((ma) => ma.toString())
			.filter((a) => a.includes('/p2p-circuit'))
			.map((a) => a.slice(0, a.indexOf('/p2p-circuit')));
		return [...new Set(relays)].map((a) => multiaddr(a));
	}

	/** Where this device can be reached through the relay (goes in invites and hellos). */
	circuitAddrs(): string[] {
		return this.#relayAddrs().map((r) => `${r.toString()}/p2p-circuit/p2p/${this.node.peerId.toString()}`);
	}

	#isRelay(connection: Connection): boolean {
		return this.#relayPeers.has(connection.remotePeer.toString());
	}

	#onConnection(connection: Connection): void {
		const peer = connection.remotePeer.toString();
		if (!this.#isRelay(connection) && this.#devices.has(peer)) this.#linkUp(peer, connection);
	}

	/** identify runs, the reservation is made, our addresses change: then online. */
	#afterReservation(connection: Connection, relay: string, tries: number): void {
		if (this.#relayAddrs().length > 0) {
			this.#relayBackoff = 250;
			if (this.#state.relay !== 'online') performance.mark('orrery:peers:relay-online');
			this.#set({ relay: 'online', relayError: null });
			for (const peer of this.#devices.keys()) this.#connectDevice(peer);
		} else if (connection.status !== 'open') {
			this.#keepRelay();
		} else if (tries > 0) {
			this.#after(100, () => this.#afterReservation(connection, relay, tries - 1));
		} else {
			this.#set({
				relay: 'offline',
				relayError: `The relay at ${relay} answered but gave no reservation (it may be full). Trying again…`
			});
			void connection.close().catch(() => {});
			this.#after(this.#relayBackoff, () => this.#keepRelay());
			this.#relayBackoff = Math.min(this.#relayBackoff * 2, RELAY_BACKOFF_MAX_MS);
		}
	}

	#onClose(connection: Connection): void {
		if (this.#stopped) return;
		if (this.#isRelay(connection)) {
			if (!this.node.getConnections(connection.remotePeer).some((c) => c.status === 'open')) {
				this.#set({ relay: 'offline', relayError: 'The relay closed the connection. Trying again…' });
				this.#keepRelay();
			}
			return;
		}
		const peer = connection.remotePeer.toString();
		const ping = this.#pingStreams.get(peer);
		if (ping?.connection === connection.id) {
			this.#pingStreams.delete(peer);
			void ping.ready.then(
				(open) => open.stream.abort(new Error('connection closed')),
				() => {}
			);
		}
		this.#refreshLink(peer);
		if (this.#devices.has(peer) && !this.#best(peer)) this.#connectDevice(peer);
	}

	// ---- device links

	async refreshDevices(): Promise<void> {
		let list: DeviceSummary[] = [];
		try {
			list = await this.api.listDevices();
		} catch {
			// No library open: no devices to reach.
		}
		const paired = list.filter((d) => !d.self && d.peerId);
		writeCachedDevices(paired);
		const next = new Map(paired.map((d) => [d.peerId!, d]));
		const removed = [...this.#devices.keys()].filter((p) => !next.has(p));
		this.#devices = next;
		for (const peer of removed) {
			this.#backoff.delete(peer);
			this.#refusedUntil.delete(peer);
			this.#refreshLink(peer);
			if (!this.#farewell.has(peer)) await this.#node?.hangUp(peerIdFromString(peer)).catch(() => {});
		}
		for (const peer of next.keys()) {
			// Already linked (it dialled us first, or we paired over this very connection).
			this.#refreshLink(peer);
			this.#connectDevice(peer);
		}
	}

	/** Tells every linked device our name and addresses again (after a rename). */
	async announce(): Promise<void> {
		await Promise.all(
			[...this.#devices.keys()].filter((p) => this.#best(p)).map((p) => this.#hello(p).catch(() => {}))
		);
	}

	/**
	 * The best open connection to a peer: direct first, the newest first. A device that reloads
	 * leaves its old WebRTC connection here open until ICE consent fails or a ping goes
	 * unanswered (bench p2p: 6–13 s, longer than the reconnect), while its new one is the last
	 * to open; libp2p's own pick (dialProtocol) tends to be the oldest.
	 */
	#best(peer: string): Connection | null {
		if (!this.#node) return null;
		const open = this.#node
			.getConnections(peerIdFromString(peer))
			.filter((c) => c.status === 'open')
			.reverse();
		return open.find((c) => linkKind(c) === 'direct') ?? open[0] ?? null;
	}

	/** A stream to a device on its best connection (see #best). */
	async #open(peer: string, protocol: string): Promise<Stream> {
		const best = this.#best(peer);
		if (!best) throw new VdfsError('PeerUnreachable', 'That device is not connected.');
		return best.newStream(protocol, { runOnLimitedConnection: true });
	}

	#refreshLink(peer: string): void {
		const best = this.#devices.has(peer) ? this.#best(peer) : null;
		const links = { ...this.#state.links };
		if (best) {
			const kind = linkKind(best);
			const old = links[peer];
			if (old?.kind !== kind) performance.mark(`orrery:peers:${kind}`);
			links[peer] = old?.kind === kind ? old : { kind, rttMs: null, since: Date.now() };
		} else delete links[peer];
		this.#set({ links });
	}

	#linkUp(peer: string, connection: Connection): void {
		this.#backoff.delete(peer);
		this.#missed.delete(peer);
		this.#refreshLink(peer);
		// A relayed link opened by our own WebRTC dial through it gets its hello on the direct link
		// that follows: sent on the relay it would cross the relay during that dial's signalling.
		const direct = linkKind(connection) === 'direct';
		if (direct || (connection.direction === 'outbound' && !this.#dialing.has(peer))) {
			void this.#hello(peer).catch(() => {});
		}
		// A relayed link is upgraded: WebRTC through the relay's signalling. Both devices may dial
		// at once and end up with two WebRTC connections; the reconnect measured 0.3 s this way,
		// against over 3 s when the larger peer id waited for the other to go first.
		if (!direct) this.#connectDevice(peer);
	}

	/** Dials a paired device directly (WebRTC through the relay's signalling), with backoff. */
	#connectDevice(peer: string): void {
		if (this.#stopped || !this.#node || this.#dialing.has(peer) || !this.#devices.has(peer)) return;
		if ((this.#refusedUntil.get(peer) ?? 0) > Date.now()) return;
		if (this.#best(peer) && linkKind(this.#best(peer)!) === 'direct') return;
		const targets = this.#webrtcTargets(peer);
		if (targets.length === 0) return;
		const attempt = (async () => {
			for (const target of targets) {
				try {
					await this.#dialDirect(target);
					return;
				} catch (e) {
					// Next address, then the backoff below.
					console.debug(`Orrery: no direct link to ${peer.slice(-8)} through ${target.toString()}:`, e);
				}
			}
			throw new Error('unreachable');
		})();
		this.#dialing.set(
			peer,
			attempt
				.then(() => {
					this.#backoff.delete(peer);
					this.#refreshLink(peer);
				})
				.catch(() => {
					if (!this.#devices.has(peer)) return;
					const wait = this.#backoff.get(peer) ?? 300;
					this.#backoff.set(peer, Math.min(wait * 2, DEVICE_BACKOFF_MAX_MS));
					this.#after(wait, () => this.#connectDevice(peer));
				})
				.finally(() => this.#dialing.delete(peer))
		);
	}

	/**
	 * A WebRTC dial through the relay. force: libp2p would otherwise hand back the relayed
	 * connection. One dial per device at a time: libp2p joins a second dial to the same peer to
	 * the one in progress (its dial queue matches on the peer id, force or not).
	 */
	async #dialDirect(target: Multiaddr): Promise<void> {
		await this.node.dial(target, { signal: AbortSignal.timeout(DIAL_TIMEOUT_MS), force: true });
	}

	#webrtcTargets(peer: string): Multiaddr[] {
		const known = this.#devices.get(peer)?.addrs ?? [];
		// Our reservations' relays, and any relay we are connected to before its reservation is made:
		// dialling a device needs no reservation of our own.
		const relays = [...this.#relayAddrs().map((r) => r.toString()), ...this.#connectedRelays()];
		const viaOurRelays = [...new Set(relays)].map((r) => `${r}/p2p-circuit/p2p/${peer}`);
		const circuits = [...new Set([...viaOurRelays, ...known.filter((a) => a.includes('/p2p-circuit'))])];
		return circuits.map((c) => multiaddr(`${c.slice(0, c.lastIndexOf('/p2p/'))}/webrtc/p2p/${peer}`));
	}

	/** Open relay connections' addresses, with the relay's peer id. */
	#connectedRelays(): string[] {
		if (!this.#node) return [];
		return [...this.#relayPeers].flatMap((id) =>
			this.node
				.getConnections(peerIdFromString(id))
				.filter((c) => c.status === 'open' && linkKind(c) === 'direct')
				.map((c) => {
					const addr = c.remoteAddr.toString();
					return addr.includes('/p2p/') ? addr : `${addr}/p2p/${id}`;
				})
		);
	}

	// ---- protocols

	async #handle(node: OrreryNode): Promise<void> {
		await node.handle(
			PING,
			(stream, connection) => this.#serve(PING, stream, connection, (s) => servePing(s, connection)),
			{
				runOnLimitedConnection: true
			}
		);
		await node.handle(
			DEVICE,
			(stream, connection) => this.#serve(DEVICE, stream, connection, (s, peer) => this.#serveDevice(s, peer)),
			{ runOnLimitedConnection: true }
		);
	}

	/** Library protocols answer paired devices only; anyone else is refused and logged. */
	async #serve(
		protocol: string,
		stream: Stream,
		connection: Connection,
		serve: (s: FramedStream, peer: string) => Promise<void>
	): Promise<void> {
		const peer = connection.remotePeer.toString();
		const s = framed(stream);
		try {
			if (!(await this.api.trustedDevice(peer))) {
				// A device this library removed is told so (it then removes this one too); anyone else
				// learns nothing but the refusal.
				const removed = await this.api.removedDevice(peer);
				console.warn(
					`Orrery: refused ${protocol} from ${peer}: ${removed ? 'a removed device' : 'not a device of this library'}`
				);
				this.#set({
					refused: [{ peerId: peer, protocol, at: Date.now() }, ...this.#state.refused].slice(0, REFUSED_KEPT)
				});
				await s.send(
					removed
						? { type: 'error', code: 'Removed', message: 'This device was removed from that library.' }
						: { type: 'error', code: 'NotAuthorized', message: 'This device is not paired with that library.' }
				);
				await s.close();
				return;
			}
			await serve(s, peer);
		} catch (e) {
			s.abort(e instanceof Error ? e : new Error(String(e)));
		}
	}

	async #serveDevice(s: FramedStream, peer: string): Promise<void> {
		const frame = await s.next({ timeoutMs: 10_000 });
		const msg = frame?.message as { type?: string; name?: unknown; platform?: unknown; addrs?: unknown } | undefined;
		if (msg?.type === 'hello') {
			await this.api.deviceSeen(peer, {
				name: typeof msg.name === 'string' ? msg.name : undefined,
				platform: typeof msg.platform === 'string' ? msg.platform : undefined,
				addrs: Array.isArray(msg.addrs) ? msg.addrs.filter((a): a is string => typeof a === 'string') : undefined
			});
			await s.send(await this.#helloMessage());
			await s.close();
		} else if (msg?.type === 'removed') {
			await this.api.deviceRemovedUs(peer);
			await s.close();
			await this.refreshDevices();
		} else {
			s.abort(new Error(`unexpected ${String(msg?.type)} on ${DEVICE}`));
		}
	}

	async #helloMessage(): Promise<{ type: 'hello'; name: string; platform: string; addrs: string[] }> {
		const settings = await this.api.settings();
		return { type: 'hello', name: settings.deviceName, platform: navigator.platform, addrs: this.circuitAddrs() };
	}

	/** Tells a device our name and addresses, and learns its own. */
	async #hello(peer: string): Promise<void> {
		const s = framed(await this.#open(peer, DEVICE));
		try {
			await s.send(await this.#helloMessage());
			const reply = (await s.next({ timeoutMs: 10_000 }))?.message as
				{ type?: string; name?: unknown; platform?: unknown; addrs?: unknown } | undefined;
			if (reply?.type === 'error') await this.#refusedBy(peer, (reply as { code?: unknown }).code);
			if (reply?.type === 'hello') {
				await this.api.deviceSeen(peer, {
					name: typeof reply.name === 'string' ? reply.name : undefined,
					platform: typeof reply.platform === 'string' ? reply.platform : undefined,
					addrs: Array.isArray(reply.addrs) ? reply.addrs.filter((a): a is string => typeof a === 'string') : undefined
				});
			}
			await s.close();
		} catch (e) {
			s.abort(e instanceof Error ? e : new Error(String(e)));
			throw e;
		}
	}

	/**
	 * One round trip on the device's ping stream (opened once on the best connection and kept: a
	 * new stream per ping costs 4.4 ms against 0.8, DESIGN.md §6). Throws PeerUnreachable when
	 * there is no link, NotAuthorized when the device refuses.
	 */
	async ping(peer: string, timeoutMs = PING_TIMEOUT_MS): Promise<number> {
		const best = this.#best(peer);
		let ping = this.#pingStreams.get(peer);
		if (ping && best && ping.connection !== best.id) {
			// A newer connection came (the device reloaded): the stream moves to it.
			this.#pingStreams.delete(peer);
			void ping.ready.then((old) => old.busy.then(() => old.stream.close())).catch(() => {});
			ping = undefined;
		}
		if (!ping) {
			if (!best) throw new VdfsError('PeerUnreachable', 'That device is not connected.');
			ping = {
				connection: best.id,
				ready: best
					.newStream(PING, { runOnLimitedConnection: true, signal: AbortSignal.timeout(timeoutMs) })
					.then((stream) => ({ stream: framed(stream), busy: Promise.resolve() as Promise<unknown> }))
			};
			this.#pingStreams.set(peer, ping);
		}
		let entry: Awaited<PingStream['ready']>;
		try {
			entry = await ping.ready;
		} catch (e) {
			if (this.#pingStreams.get(peer) === ping) this.#pingStreams.delete(peer);
			throw new VdfsError('PeerUnreachable', `That device did not answer (${toVdfsError(e).message}).`);
		}
		const s = entry.stream;
		const run = entry.busy.then(async () => {
			const t = performance.now();
			await s.send({ type: 'ping' });
			const reply = await s.next({ timeoutMs });
			if (reply?.message.type === 'error') {
				await this.#refusedBy(peer, reply.message.code);
				throw new VdfsError('NotAuthorized', 'That device refused: this device is not paired with its library.');
			}
			if (reply?.message.type !== 'pong') throw new VdfsError('PeerUnreachable', 'That device did not answer.');
			return performance.now() - t;
		});
		entry.busy = run.catch(() => {});
		try {
			return await run;
		} catch (e) {
			if (this.#pingStreams.get(peer) === ping) this.#pingStreams.delete(peer);
			s.abort(e instanceof Error ? e : new Error(String(e)));
			throw toVdfsError(e);
		}
	}

	/**
	 * A device refused us. `Removed`: it removed this device, so it goes from here too (noise
	 * proved who said it, so it can only remove itself). Otherwise (another library open there)
	 * it is left alone for a while instead of being dialled again and again.
	 */
	async #refusedBy(peer: string, code: unknown): Promise<void> {
		if (code === 'Removed') {
			await this.api.deviceRemovedUs(peer);
			await this.refreshDevices();
			return;
		}
		this.#refusedUntil.set(peer, Date.now() + REFUSED_BACKOFF_MS);
	}

	async #healthCheck(): Promise<void> {
		await Promise.allSettled([...this.#devices.keys()].map((peer) => this.#checkLink(peer)));
	}

	async #checkLink(peer: string): Promise<void> {
		{
			const best = this.#best(peer);
			if (!best) {
				this.#connectDevice(peer);
				return;
			}
			if ((this.#refusedUntil.get(peer) ?? 0) > Date.now()) return;
			try {
				const rtt = await this.ping(peer);
				this.#missed.delete(peer);
				const link = this.#state.links[peer];
				if (link) this.#set({ links: { ...this.#state.links, [peer]: { ...link, rttMs: Math.round(rtt * 10) / 10 } } });
			} catch (e) {
				if (toVdfsError(e).code === 'NotAuthorized') return;
				const missed = (this.#missed.get(peer) ?? 0) + 1;
				this.#missed.set(peer, missed);
				if (missed >= 2) {
					// libp2p may hand back a dead connection (DESIGN.md §6): close it, dial again.
					this.#missed.delete(peer);
					await best.close().catch(() => best.abort(new Error('health check failed')));
					this.#refreshLink(peer);
					this.#connectDevice(peer);
				}
			}
		}
	}

	/**
	 * This page is going away (pagehide): each linked device is told on the ping stream already
	 * open to it, a frame that leaves at once, so it drops its end now instead of seconds later.
	 */
	goodbye(): void {
		for (const ping of this.#pingStreams.values()) {
			void ping.ready.then((open) => open.stream.send({ type: 'bye' })).catch(() => {});
		}
	}

	/** Removes a device here at once, and tells it (when reachable) so it removes us too. */
	async removeDevice(id: string): Promise<void> {
		const peer = (await this.api.listDevices()).find((d) => d.id === id)?.peerId ?? null;
		if (peer) this.#farewell.add(peer);
		try {
			// Refused here at once; then told, while the link is still up.
			await this.api.removeDevice(id as DeviceSummary['id']);
			if (peer && this.#best(peer)) {
				try {
					const s = framed(await this.#open(peer, DEVICE));
					await s.send({ type: 'removed' });
					await s.close();
				} catch {
					// Unreachable now: it is refused here anyway, and learns when it next calls.
				}
			}
		} finally {
			if (peer) this.#farewell.delete(peer);
		}
		await this.refreshDevices();
		if (peer) await this.#node?.hangUp(peerIdFromString(peer)).catch(() => {});
	}

	/** Dials a peer (for pairing): direct WebRTC through the relay, else the relayed link itself. */
	async dialForPairing(peerId: PeerId, relays: string[]): Promise<Connection> {
		const circuits = relays.map((r) => (r.includes('/p2p-circuit') ? r.slice(0, r.indexOf('/p2p-circuit')) : r));
		let last: unknown = null;
		for (const relay of circuits) {
			for (const suffix of ['/p2p-circuit/webrtc', '/p2p-circuit']) {
				try {
					return await this.node.dial(multiaddr(`${relay}${suffix}/p2p/${peerId.toString()}`), {
						signal: AbortSignal.timeout(8000)
					});
				} catch (e) {
					last = e;
				}
			}
		}
		throw new VdfsError(
			'PeerUnreachable',
			`The other device could not be reached (${last ? toVdfsError(last).message : 'no relay address in the link'}). Check that it is online with Orrery open, and that both use the same relay.`
		);
	}

	#after(ms: number, fn: () => void): void {
		if (this.#stopped) return;
		const t = setTimeout(() => {
			this.#timers.delete(t);
			fn();
		}, ms);
		this.#timers.add(t);
	}

	#every(ms: number, fn: () => Promise<void>): void {
		this.#after(ms, () => {
			void fn()
				.catch(() => {})
				.finally(() => this.#every(ms, fn));
		});
	}
}

/**
 * Answers pings on one stream until it ends. `bye`: the other device's page is going away (see
 * PeerService.goodbye), so its connection is closed now rather than when WebRTC notices, which
 * took ~6 s and held back the reloaded page's new link.
 */
async function servePing(s: FramedStream, connection: Connection): Promise<void> {
	for (;;) {
		const frame = await s.next();
		if (!frame) break;
		if (frame.message.type === 'bye') {
			await connection.close().catch(() => connection.abort(new Error('the other device left')));
			return;
		}
		if (frame.message.type !== 'ping') throw new Error(`unexpected ${frame.message.type} on ${PING}`);
		await s.send({ type: 'pong' });
	}
	await s.close();
}
