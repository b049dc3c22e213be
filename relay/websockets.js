import { webSockets } from '@libp2p/websockets';

/**
 * `webSockets()` with an 'error' listener on every accepted socket.
 *
 * @libp2p/websockets 10.1.21 never listens for 'error' on the server-side `ws` sockets it
 * accepts, and `ws` emits one for any frame that breaks RFC 6455 (unmasked, RSV bits set, a length
 * over 2^53, a bad close code...). Unhandled, that error ends the process: one 14-byte packet
 * stopped the relay in tests/unit/relay.test.ts. With a listener, `ws` closes just that socket
 * (it has already sent the close frame when it emits the error) and libp2p drops the connection.
 *
 * The hook is the listener's `onWsServerConnection`, which its upgrade handler looks up on each
 * upgrade; if a new version renames it, the relay refuses to start rather than run unguarded.
 *
 * @param {Parameters<typeof webSockets>[0]} init
 * @param {(err: Error, remote: string) => void} onSocketError
 * @returns {ReturnType<typeof webSockets>}
 */
export function guardedWebSockets(init, onSocketError) {
	const factory = webSockets(init);
	return (components) => {
		const transport = factory(components);
		const createListener = transport.createListener.bind(transport);
		transport.createListener = (options) => {
			const listener = createListener(options);
			const hooks = /** @type {{ onWsServerConnection?: unknown }} */ (/** @type {unknown} */ (listener));
			const accept = hooks.onWsServerConnection;
			if (typeof accept !== 'function') {
				throw new Error(
					'@libp2p/websockets has no onWsServerConnection to guard: check relay/websockets.js against the installed version'
				);
			}
			/**
			 * @param {import('node:events').EventEmitter} socket the `ws` WebSocket
			 * @param {import('node:http').IncomingMessage} req
			 */
			hooks.onWsServerConnection = function (socket, req) {
				socket.on('error', (/** @type {Error} */ err) => {
					onSocketError(err, `${req.socket.remoteAddress}:${req.socket.remotePort}`);
				});
				return accept.call(this, socket, req);
			};
			return listener;
		};
		return transport;
	};
}
