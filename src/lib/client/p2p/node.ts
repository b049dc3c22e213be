import { noise } from '@chainsafe/libp2p-noise';
import { yamux } from '@chainsafe/libp2p-yamux';
import { circuitRelayTransport } from '@libp2p/circuit-relay-v2';
import { identify } from '@libp2p/identify';
import type { Connection, PrivateKey } from '@libp2p/interface';
import { webRTC } from '@libp2p/webrtc';
import { webSockets } from '@libp2p/websockets';
import { createLibp2p, type Libp2p } from 'libp2p';
import type { IceServer } from '$lib/vdfs/api';
import { guardInitChannel } from './init-channel';

export type OrreryNode = Libp2p<{ identify: ReturnType<ReturnType<typeof identify>> }>;

/**
 * The leader tab's libp2p node (DESIGN.md §1, §6): WebSockets to reach the relay, circuit relay
 * for a reservation there, WebRTC for direct links to other devices; noise and yamux on top.
 * It runs on the main thread because RTCPeerConnection does not exist in workers.
 */
export async function createNode(options: { privateKey: PrivateKey; iceServers: IceServer[] }): Promise<OrreryNode> {
	// Without it, a dial to a device loses a race on fast links about half the time after a
	// reload and waits 6 s (init-channel.ts).
	guardInitChannel();
	return createLibp2p({
		privateKey: options.privateKey,
		addresses: {
			// A reservation on whichever relay we connect to (peers.ts dials them, and again when
			// one drops: libp2p does not), and WebRTC answers to peers who reach us through it.
			listen: ['/p2p-circuit', '/webrtc']
		},
		transports: [
			webSockets(),
			// Without iceServers the transport asks public STUN servers; ours come from settings.
			webRTC({ rtcConfiguration: { iceServers: options.iceServers } }),
			circuitRelayTransport({ reservationCompletionTimeout: 5000 })
		],
		connectionEncrypters: [noise()],
		streamMuxers: [yamux()],
		// The browser's default gater refuses ws:// and private addresses, which is where the
		// local relay lives; every peer is authenticated by noise and authorized per protocol.
		connectionGater: { denyDialMultiaddr: () => false },
		// libp2p limits new inbound connections per remote host (5/s), and a relayed or WebRTC
		// connection's address is the relay's: every device reaching us counts as one host, and a
		// reloading device's signalling alone passed the limit (its dials were closed while
		// opening, and the direct link came 6 s late). Unknown peers get nothing from us anyway.
		connectionManager: { inboundConnectionThreshold: 100 },
		services: { identify: identify() }
	});
}

/**
 * `direct`: a WebRTC link of our own; `relay`: through the relay (limited, slower). A WebRTC
 * connection's address names the relay its signalling went through (`…/p2p-circuit/webrtc/…`),
 * so `/webrtc` decides, not `/p2p-circuit`.
 */
export function linkKind(connection: Connection): 'direct' | 'relay' {
	const addr = connection.remoteAddr.toString();
	return addr.includes('/webrtc') || !addr.includes('/p2p-circuit') ? 'direct' : 'relay';
}
