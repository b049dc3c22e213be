import './node20.js';
import { isIP } from 'node:net';
import { noise } from '@chainsafe/libp2p-noise';
import { yamux } from '@chainsafe/libp2p-yamux';
import { circuitRelayServer } from '@libp2p/circuit-relay-v2';
import { identify } from '@libp2p/identify';
import { ping } from '@libp2p/ping';
import { multiaddr } from '@multiformats/multiaddr';
import { createLibp2p } from 'libp2p';
import { withDefaults } from './defaults.js';
import { startHealthServer } from './health.js';
import { loadOrCreateKey } from './key-file.js';
import { logToStdout } from './log.js';
import { trackReservations } from './reservations.js';
import { guardedWebSockets } from './websockets.js';

/**
 * @typedef {import('./defaults.js').RelaySettings} RelaySettings
 * @typedef {import('./health.js').RelayHealth} RelayHealth
 * @typedef {import('@libp2p/circuit-relay-v2').CircuitRelayService} CircuitRelayService
 * @typedef {import('@libp2p/interface').Libp2p<{ identify: unknown, ping: unknown, relay: CircuitRelayService }>} RelayNode
 */

/**
 * @typedef {Partial<RelaySettings> & { log?: import('./log.js').RelayLog }} RelayOptions
 * `log` receives every event (connections, reservations, refusals). @default one line on stdout
 */

/**
 * @typedef {object} Relay
 * @property {string} peerId
 * @property {string[]} multiaddrs addresses to give browsers, each ending in /p2p/<peerId>
 *   (the announce addresses when set)
 * @property {string[]} listen the local WebSockets address(es) the relay is bound to
 * @property {string} healthUrl
 * @property {RelayNode} node
 * @property {RelaySettings} settings
 * @property {() => RelayHealth} health
 * @property {() => Promise<void>} stop
 */

/** Could not start: the port is taken, an announce address belongs to another peer, and so on. */
export class RelayStartError extends Error {
	/**
	 * @param {'ListenFailed' | 'BadAnnounce' | 'ConfigFailed'} code
	 * @param {string} message
	 */
	constructor(code, message) {
		super(message);
		this.name = 'RelayStartError';
		this.code = code;
	}
}

/**
 * Starts a circuit relay v2 server on WebSockets, with identify and ping, a persistent identity
 * and a health endpoint. Rejects with KeyFileError or RelayStartError when it cannot start.
 *
 * @param {RelayOptions} [options]
 * @returns {Promise<Relay>}
 */
export async function startRelay(options = {}) {
	const { log = logToStdout, ...rest } = options;
	const settings = withDefaults(rest);
	const startedAt = Date.now();

	const key = await loadOrCreateKey(settings.keyFile);
	if (key.created) log('key:created', { path: settings.keyFile });
	if (key.warning !== undefined) log('key:warning', { message: key.warning });
	const ownId = key.privateKey.publicKey.toString();
	const announce = settings.announce.map((addr) => withoutOwnPeerId(addr, ownId));

	/** @type {ReturnType<typeof trackReservations> | undefined} */
	let reservations;
	/** @type {RelayNode | undefined} */
	let nodeRef;

	/** @type {RelayNode} */
	let node;
	try {
		node = await createLibp2p({
			privateKey: key.privateKey,
			addresses: {
				listen: [`/${isIP(settings.host) === 6 ? 'ip6' : 'ip4'}/${settings.host}/tcp/${settings.port}/ws`],
				announce
			},
			transports: [
				guardedWebSockets(
					// Bounds a client that opens a socket and never finishes its upgrade request.
					{ http: { headersTimeout: 10_000, requestTimeout: 10_000, maxHeaderSize: 16 * 1024 } },
					(err, remote) =>
						log('connection:bad-frame', {
							remote,
							reason: 'code' in err && typeof err.code === 'string' ? err.code : err.message
						})
				)
			],
			connectionEncrypters: [noise()],
			streamMuxers: [yamux()],
			connectionManager: {
				maxConnections: settings.maxConnections,
				inboundConnectionThreshold: settings.connectionRate,
				inboundUpgradeTimeout: settings.handshakeTimeoutMs
			},
			connectionGater: {
				denyInboundConnection: (maConn) => {
					if (settings.maxConnectionsPerIp === 0 || nodeRef == null) return false;
					const ip = ipOf(maConn.remoteAddr);
					if (ip === undefined) return false;
					const open = nodeRef.getConnections().filter((c) => ipOf(c.remoteAddr) === ip).length;
					if (open < settings.maxConnectionsPerIp) return false;
					log('connection:refused', {
						addr: maConn.remoteAddr.toString(),
						reason: 'per-ip-limit',
						open,
						max: settings.maxConnectionsPerIp
					});
					return true;
				},
				denyInboundRelayReservation: (peer) => {
					if (reservations?.wouldRefuse(peer) === true) {
						log('reservation:refused', { peer: peer.toString(), reason: 'full', max: settings.maxReservations });
					}
					return false;
				},
				denyOutboundRelayedConnection: (source, destination) => {
					log('relay:connect', { from: source.toString(), to: destination.toString() });
					return false;
				}
			},
			services: {
				identify: identify(),
				// Lets clients check that their relay connection is alive, cheaply.
				ping: ping(),
				relay: circuitRelayServer({
					reservations: {
						maxReservations: settings.maxReservations,
						reservationTtl: settings.reservationTtlMs,
						applyDefaultLimit: !settings.unlimitedRelay,
						defaultDurationLimit: settings.relayDurationLimitMs,
						defaultDataLimit: BigInt(settings.relayDataLimitBytes)
					}
				})
			},
			start: false
		});
	} catch (err) {
		throw new RelayStartError('ConfigFailed', `cannot configure the relay: ${errorText(err)}`);
	}
	nodeRef = node;
	reservations = trackReservations(node.services.relay, node, {
		maxReservations: settings.maxReservations,
		reservationTtlMs: settings.reservationTtlMs,
		log
	});

	/** @param {CustomEvent<import('@libp2p/interface').Connection>} evt */
	const onOpen = ({ detail: c }) =>
		log('connection:open', {
			id: c.id,
			peer: c.remotePeer.toString(),
			addr: c.remoteAddr.toString(),
			dir: c.direction,
			conns: node.getConnections().length
		});
	/** @param {CustomEvent<import('@libp2p/interface').Connection>} evt */
	const onClose = ({ detail: c }) =>
		log('connection:close', {
			id: c.id,
			peer: c.remotePeer.toString(),
			addr: c.remoteAddr.toString(),
			openS: ((Date.now() - c.timeline.open) / 1000).toFixed(1),
			conns: node.getConnections().length
		});
	node.addEventListener('connection:open', onOpen);
	node.addEventListener('connection:close', onClose);

	try {
		await node.start();
	} catch (err) {
		reservations.stop();
		try {
			await node.stop();
		} catch {
			// already failing; the listen error below is the one to report
		}
		throw new RelayStartError(
			'ListenFailed',
			`cannot listen on ${settings.host}:${settings.port}: ${listenFailure(err)}`
		);
	}

	const multiaddrs = node.getMultiaddrs().map(String);
	const listen =
		announce.length === 0
			? multiaddrs
			: [`/${isIP(settings.host) === 6 ? 'ip6' : 'ip4'}/${settings.host}/tcp/${settings.port}/ws/p2p/${ownId}`];

	/** @returns {RelayHealth} */
	const health = () => ({
		ok: node.status === 'started',
		peerId: ownId,
		multiaddrs: node.getMultiaddrs().map(String),
		connections: node.getConnections().length,
		reservations: node.services.relay.reservations.size,
		uptimeS: Math.floor((Date.now() - startedAt) / 1000)
	});

	/** @type {Awaited<ReturnType<typeof startHealthServer>>} */
	let healthServer;
	try {
		healthServer = await startHealthServer({ host: settings.host, port: settings.healthPort, health });
	} catch (err) {
		reservations.stop();
		await node.stop();
		throw new RelayStartError(
			'ListenFailed',
			`cannot serve the health endpoint on ${settings.host}:${settings.healthPort}: ${listenFailure(err)}`
		);
	}

	/** @type {Promise<void> | undefined} */
	let stopping;
	return {
		peerId: ownId,
		multiaddrs,
		listen,
		healthUrl: healthServer.url,
		node,
		settings,
		health,
		stop() {
			stopping ??= (async () => {
				reservations.stop();
				await Promise.all([node.stop(), healthServer.close()]);
				node.removeEventListener('connection:open', onOpen);
				node.removeEventListener('connection:close', onClose);
			})();
			return stopping;
		}
	};
}

/**
 * An announce address may end in the relay's own /p2p/<id> (libp2p adds it anyway); one that
 * names another peer is a copy-paste mistake that would make every browser dial fail.
 *
 * @param {string} addr
 * @param {string} ownId
 * @returns {string}
 */
function withoutOwnPeerId(addr, ownId) {
	const components = multiaddr(addr).getComponents();
	const last = components.at(-1);
	if (last?.name !== 'p2p') return addr;
	if (last.value !== ownId) {
		throw new RelayStartError(
			'BadAnnounce',
			`the announce address ${addr} names peer ${last.value}, but this relay's key is peer ${ownId}`
		);
	}
	return multiaddr(addr).decapsulateCode(last.code).toString();
}

/**
 * @param {import('@multiformats/multiaddr').Multiaddr} addr
 * @returns {string | undefined}
 */
function ipOf(addr) {
	return addr.getComponents().find((c) => c.name === 'ip4' || c.name === 'ip6')?.value;
}

/**
 * libp2p reports a failed listen as a message that embeds each cause's stack; an operator needs
 * only the cause, such as `address already in use 127.0.0.1:4401 (EADDRINUSE)`.
 *
 * @param {unknown} err
 */
function listenFailure(err) {
	const text = errorText(err);
	const cause = /listen (E[A-Z]+): ([^\n]*)/.exec(text);
	if (cause) return `${cause[2]} (${cause[1]})`;
	return text
		.split('\n')
		.filter((line) => !/^\s+at /.test(line))
		.join('\n')
		.trim();
}

/** @param {unknown} err */
function errorText(err) {
	return err instanceof Error ? err.message : String(err);
}
