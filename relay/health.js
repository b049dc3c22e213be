import { createServer } from 'node:http';

/**
 * @typedef {object} RelayHealth
 * @property {boolean} ok the libp2p node is started
 * @property {string} peerId
 * @property {string[]} multiaddrs what browsers dial, each ending in /p2p/<peerId>
 * @property {number} connections open libp2p connections
 * @property {number} reservations peers holding a /p2p-circuit reservation
 * @property {number} uptimeS whole seconds since the relay started
 */

/**
 * Serves `GET /health` (200 with RelayHealth when ok, 503 when not) on its own small server, so a
 * load balancer or `--check` can probe it without speaking libp2p.
 *
 * @param {{ host: string, port: number, health: () => RelayHealth }} init
 * @returns {Promise<{ url: string, close(): Promise<void> }>}
 */
export async function startHealthServer({ host, port, health }) {
	const server = createServer({ headersTimeout: 5_000, requestTimeout: 5_000 }, (req, res) => {
		const path = new URL(req.url ?? '/', 'http://relay').pathname;
		if (path !== '/health') {
			send(res, 404, { ok: false, error: 'not found: the relay serves only GET /health' });
		} else if (req.method !== 'GET' && req.method !== 'HEAD') {
			send(res, 405, { ok: false, error: 'method not allowed: use GET' });
		} else {
			const body = health();
			send(res, body.ok ? 200 : 503, body);
		}
	});
	await new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen({ host, port }, () => {
			server.off('error', reject);
			resolve(undefined);
		});
	});
	const address = server.address();
	const boundPort = typeof address === 'object' && address != null ? address.port : port;
	const urlHost = host.includes(':') ? `[${host === '::' ? '::1' : host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
	return {
		url: `http://${urlHost}:${boundPort}/health`,
		close: () =>
			new Promise((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			})
	};
}

/**
 * @param {import('node:http').ServerResponse} res
 * @param {number} status
 * @param {unknown} body
 */
function send(res, status, body) {
	const text = JSON.stringify(body);
	res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
	res.end(text);
}

/**
 * The `--check` probe: healthy means HTTP 200 and `ok: true` within the timeout.
 *
 * @param {string} url
 * @param {{ timeoutMs?: number }} [options]
 * @returns {Promise<{ healthy: true, body: RelayHealth } | { healthy: false, reason: string }>}
 */
export async function checkHealth(url, { timeoutMs = 3_000 } = {}) {
	/** @type {Response} */
	let res;
	try {
		res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
	} catch (err) {
		const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : '';
		return {
			healthy: false,
			reason: `cannot reach ${url} (${err instanceof Error ? err.message : String(err)}${cause})`
		};
	}
	/** @type {unknown} */
	let body;
	try {
		body = await res.json();
	} catch {
		return {
			healthy: false,
			reason: `${url} answered HTTP ${res.status} without JSON: is it the relay's health port?`
		};
	}
	const ok = typeof body === 'object' && body != null && 'ok' in body && body.ok === true;
	if (res.status !== 200 || !ok) {
		return { healthy: false, reason: `${url} answered HTTP ${res.status} ${JSON.stringify(body)}` };
	}
	return { healthy: true, body: /** @type {RelayHealth} */ (body) };
}
