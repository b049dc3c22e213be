// Two real libp2p nodes in Node for protocol tests: WebSockets on 127.0.0.1, noise, yamux. Run
// inside a loopback-only network namespace:
//   unshare -n sh -c 'ip link set lo up; npx vitest run tests/unit/frame.test.ts'
import '../../relay/node20.js';
import { noise } from '@chainsafe/libp2p-noise';
import { yamux } from '@chainsafe/libp2p-yamux';
import type { Connection, Libp2p, Stream } from '@libp2p/interface';
import { webSockets } from '@libp2p/websockets';
import { createLibp2p } from 'libp2p';
import { createRequire } from 'node:module';

// Node 20 has no global WebSocket and @libp2p/websockets dials with it; `ws` comes with it.
globalThis.WebSocket ??= createRequire(import.meta.url)('ws');

export interface NodePair {
	/** Listens on /ip4/127.0.0.1/tcp/0/ws; register handlers on it. */
	server: Libp2p;
	/** Dials the server. */
	client: Libp2p;
	connection: Connection;
	/** A new stream from the client to the server for `protocol`. */
	open(protocol: string): Promise<Stream>;
	stop(): Promise<void>;
}

async function node(listen: string[]): Promise<Libp2p> {
	return createLibp2p({
		addresses: { listen },
		transports: [webSockets()],
		connectionEncrypters: [noise()],
		streamMuxers: [yamux()],
		// Node's default gater allows loopback and ws:// (the browser's refuses both, DESIGN.md §6).
		connectionMonitor: { enabled: false }
	});
}

export async function twoNodes(): Promise<NodePair> {
	const server = await node(['/ip4/127.0.0.1/tcp/0/ws']);
	const client = await node([]);
	const stop = async () => {
		await Promise.all([client.stop(), server.stop()]);
	};
	try {
		const addr = server.getMultiaddrs().find((a) => a.toString().startsWith('/ip4/127.0.0.1/'));
		if (!addr) throw new Error(`the server listens on no loopback address: ${server.getMultiaddrs().join(', ')}`);
		const connection = await client.dial(addr, { signal: AbortSignal.timeout(5000) });
		return {
			server,
			client,
			connection,
			open: (protocol) => connection.newStream(protocol, { signal: AbortSignal.timeout(5000) }),
			stop
		};
	} catch (e) {
		await stop();
		throw e;
	}
}
