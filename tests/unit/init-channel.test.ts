// The `init` channel guard (src/lib/client/p2p/init-channel.ts) against a stand-in for the
// browser's RTCPeerConnection: the events arrive in the orders measured in bench p2p, and the
// dialer does what @libp2p/webrtc 6.0.33's initiate-connection.js does once `connected`.
import { once } from 'node:events';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { guardInitChannel } from '../../src/lib/client/p2p/init-channel';

class FakeChannel extends EventTarget {
	#state: RTCDataChannelState = 'connecting';
	closes = 0;
	constructor(readonly label: string) {
		super();
		this.addEventListener('close', () => this.closes++);
	}
	get readyState(): RTCDataChannelState {
		return this.#state;
	}
	/** The network moved the channel on: SCTP up, or the other side closing it (no event yet), or closed. */
	become(state: 'open' | 'closing' | 'closed'): void {
		this.#state = state;
		if (state !== 'closing') this.dispatchEvent(new Event(state === 'open' ? 'open' : 'close'));
	}
	close(): void {
		if (this.#state === 'closed' || this.#state === 'closing') return;
		this.#state = 'closing';
		setTimeout(() => this.become('closed'), 1);
	}
}

class FakePeer {
	createDataChannel(label: string): FakeChannel {
		return new FakeChannel(label);
	}
}

const g = globalThis as { RTCPeerConnection?: unknown };
const before = g.RTCPeerConnection;
beforeAll(() => {
	g.RTCPeerConnection = FakePeer;
	guardInitChannel();
	guardInitChannel(); // twice: still one wrapper
});
afterAll(() => {
	g.RTCPeerConnection = before;
});

const initChannel = (label = 'init') => new FakePeer().createDataChannel(label);

/** The dialer once its connection is `connected`: wait for open if need be, close, wait for close. */
async function dialerFinishes(channel: FakeChannel, withinMs = 300): Promise<void> {
	const signal = AbortSignal.timeout(withinMs);
	if (channel.readyState !== 'open') await once(channel, 'open', { signal });
	channel.close();
	await once(channel, 'close', { signal });
}

test('the dialer finishes when the other side closed init before `connected` arrived (the 6 s stall)', async () => {
	const channel = initChannel();
	channel.become('open');
	channel.become('closed');
	await expect(dialerFinishes(channel)).resolves.toBeUndefined();
	expect(channel.readyState).toBe('closed');
});

test('the dialer finishes when it looks while the other side is still closing init', async () => {
	const channel = initChannel();
	channel.become('open');
	channel.become('closing');
	expect(channel.readyState).toBe('open');
	const done = dialerFinishes(channel);
	setTimeout(() => channel.become('closed'), 5);
	await expect(done).resolves.toBeUndefined();
	expect(channel.closes).toBe(1);
});

test('in the usual order the channel is closed for real, with one close event', async () => {
	const channel = initChannel();
	channel.become('open');
	await dialerFinishes(channel);
	expect(channel.readyState).toBe('closed');
	expect(channel.closes).toBe(1);
});

test('a dialer already waiting for open is let through by it, as before', async () => {
	const channel = initChannel();
	const done = dialerFinishes(channel);
	setTimeout(() => channel.become('open'), 5);
	await expect(done).resolves.toBeUndefined();
});

test('a channel that never opened reads closed: that dial failed and still fails', async () => {
	const channel = initChannel();
	channel.become('closed');
	expect(channel.readyState).toBe('closed');
	await expect(dialerFinishes(channel, 50)).rejects.toThrow();
});

test('channels with other labels (every libp2p stream) are left alone', () => {
	const channel = initChannel('');
	expect(Object.getOwnPropertyDescriptor(channel, 'readyState')).toBeUndefined();
	expect(Object.hasOwn(channel, 'close')).toBe(false);
});
