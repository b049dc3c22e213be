import { fileURLToPath } from 'node:url';

/** What an operator can set, with its default; `startRelay` takes any subset. */
const defaults = {
	/**
	 * IP address the WebSockets listener and the health server bind to. Browsers on https pages
	 * can only use wss://, so a public relay listens on loopback behind a TLS proxy.
	 * @default '127.0.0.1'
	 */
	host: '127.0.0.1',
	/**
	 * WebSockets port; 0 picks a free one.
	 * @default 4401
	 */
	port: 4401,
	/**
	 * Multiaddrs given to peers instead of the listen address, such as
	 * `/dns4/relay.example.com/tcp/443/wss`. They are also the relay addresses in every
	 * reservation, so the `/p2p-circuit` addresses clients get are built from them.
	 * @default []
	 */
	announce: /** @type {string[]} */ ([]),
	/**
	 * Path of the Ed25519 key file, created (mode 0600) when missing.
	 * @default 'relay/.relay-key' (next to this file, whatever the working directory)
	 */
	keyFile: fileURLToPath(new URL('.relay-key', import.meta.url)),
	/**
	 * Peers holding a reservation at once; one more is refused with RESERVATION_REFUSED.
	 * libp2p's own default is 15.
	 * @default 128
	 */
	maxReservations: 128,
	/**
	 * Lifetime of a reservation in ms. Clients refresh it 5 minutes before it ends
	 * (circuit-relay-v2 4.x). The relay also ends a reservation when its peer disconnects (the
	 * circuit v2 spec's rule, which js-libp2p 4.x leaves out: see reservations.js).
	 * @default 7_200_000 (2 h, libp2p's default)
	 */
	reservationTtlMs: 2 * 60 * 60 * 1000,
	/**
	 * Longest life of one relayed connection in ms; the relay then resets it. circuit-relay-v2 4.x
	 * enforces this in ms but sends the same number to clients, which read it as seconds, so a
	 * client's `connection.limits.seconds` is 1000 times too long.
	 * @default 120_000 (2 min, libp2p's default)
	 */
	relayDurationLimitMs: 2 * 60 * 1000,
	/**
	 * Bytes one relayed connection may carry, both directions counted together (one counter in
	 * circuit-relay-v2 4.x); the relay then resets it. Enough for WebRTC signalling, not for
	 * transfers.
	 * @default 131_072 (128 KiB, libp2p's default)
	 */
	relayDataLimitBytes: 128 * 1024,
	/**
	 * Give relayed connections no limit at all (circuitRelayServer's `applyDefaultLimit: false`);
	 * clients then see them as unlimited connections.
	 * @default false
	 */
	unlimitedRelay: false,
	/**
	 * Open connections before inbound ones are refused (libp2p `connectionManager.maxConnections`).
	 * @default 300
	 */
	maxConnections: 300,
	/**
	 * Open connections from one remote IP; 0 turns the check off. Behind a reverse proxy every
	 * connection comes from the proxy's IP.
	 * @default 32
	 */
	maxConnectionsPerIp: 32,
	/**
	 * New inbound connections per second from one IP (libp2p
	 * `connectionManager.inboundConnectionThreshold`).
	 * @default 5
	 */
	connectionRate: 5,
	/**
	 * Time in ms an inbound connection has to finish multistream, Noise and yamux; a socket that
	 * sends junk or nothing is dropped after it (libp2p `connectionManager.inboundUpgradeTimeout`).
	 * @default 10_000
	 */
	handshakeTimeoutMs: 10_000
};
export const RELAY_DEFAULTS = Object.freeze(defaults);

/**
 * @typedef {object} HealthPortSetting
 * @property {number} healthPort port of `GET /health` on `host`. Default: port + 1, or 0 (a free
 *   port) when port is 0.
 */

/** @typedef {typeof defaults & HealthPortSetting} RelaySettings */

/**
 * @param {Partial<RelaySettings>} settings
 * @returns {RelaySettings}
 */
export function withDefaults(settings) {
	/** @type {typeof defaults} */
	const merged = { ...defaults };
	for (const [key, value] of Object.entries(settings)) {
		if (value !== undefined && key in merged) Object.assign(merged, { [key]: value });
	}
	return { ...merged, healthPort: settings.healthPort ?? (merged.port === 0 ? 0 : merged.port + 1) };
}
