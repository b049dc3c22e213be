/** RTCPeerConnection classes already guarded (guardInitChannel runs on every node start). */
const guarded = new WeakSet<object>();

/**
 * A workaround for a race in @libp2p/webrtc (6.0.33, the latest; private-to-private
 * `initiate-connection.js`). The dialer creates a data channel labelled `init` before its
 * offer, waits until its RTCPeerConnection is `connected`, then: if the channel is not `open`,
 * waits for its `open` event; closes it; waits for its `close` event. The answering side closes
 * that channel as soon as its muxer adopts it, just after *its* connection is `connected`.
 *
 * Chrome delivers a data channel's events and the connection's `connectionstatechange` on
 * different paths, and a page busy starting (the reloaded device) delivers them late: on
 * loopback or a LAN the answerer's close can reach the dialer before `connected` does. The
 * dialer then finds `init` already `closed` and waits for an `open` that never comes, until the
 * dial's 6 s address timeout; the answerer, whose side of the connection was up, drops it when
 * its pings go unanswered. bench p2p: every one of the 4 stalls in 8 dials had `init` open and
 * then closed (or closing) by the other side when the dialer looked; none of the fast dials did.
 *
 * An `init` channel that was open and is being closed by the other side has done its job (the
 * connection is up), so it reads `open` until the dialer closes it, and the dialer then gets its
 * `close` event.
 * Only channels labelled `init` are touched; Orrery opens none of its own.
 */
export function guardInitChannel(): void {
	const Peer = globalThis.RTCPeerConnection as typeof RTCPeerConnection | undefined;
	if (!Peer || guarded.has(Peer)) return;
	guarded.add(Peer);
	const create = Peer.prototype.createDataChannel;
	Peer.prototype.createDataChannel = function (this: RTCPeerConnection, label: string, init?: RTCDataChannelInit) {
		const channel = create.call(this, label, init);
		if (label === 'init') holdOpenUntilClosedHere(channel);
		return channel;
	};
}

/**
 * See guardInitChannel: once `channel` has opened, a close begun by the other side (`closing`,
 * then `closed`) reads `open` until the channel is closed here.
 */
export function holdOpenUntilClosedHere(channel: RTCDataChannel): void {
	const realState = () =>
		Reflect.get(Object.getPrototypeOf(channel) as object, 'readyState', channel) as RTCDataChannelState;
	const realClose = channel.close.bind(channel);
	let opened = false;
	let closedHere = false;
	// A channel that never opened keeps its state: that dial failed for real.
	const closedThere = () => opened && !closedHere && realState() !== 'open';
	channel.addEventListener('open', () => (opened = true));
	Object.defineProperty(channel, 'readyState', {
		configurable: true,
		get: () => (closedThere() ? 'open' : realState())
	});
	channel.close = () => {
		const there = closedThere();
		closedHere = true;
		if (!there) return realClose();
		// The dialer waits for `close` right after calling close(). While `closing` it is still to
		// come; once `closed` it has fired already, so it fires again when the dialer listens.
		if (realState() === 'closed') setTimeout(() => channel.dispatchEvent(new Event('close')), 0);
	};
}
