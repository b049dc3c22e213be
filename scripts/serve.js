// Serves the production build (build/) on loopback with the SPA fallback: what `npm start`,
// the e2e tests and the benchmarks run against. No dependencies.
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve } from 'node:path';

/** @type {Record<string, string>} */
const TYPES = {
	'.html': 'text/html; charset=utf-8',
	'.js': 'text/javascript; charset=utf-8',
	'.mjs': 'text/javascript; charset=utf-8',
	'.css': 'text/css; charset=utf-8',
	'.json': 'application/json',
	'.webmanifest': 'application/manifest+json',
	'.wasm': 'application/wasm',
	'.svg': 'image/svg+xml',
	'.png': 'image/png',
	'.ico': 'image/x-icon',
	'.txt': 'text/plain; charset=utf-8'
};

/**
 * @param {{ root?: string, host?: string, port?: number }} [options]
 * @returns {Promise<{ url: string, close: () => Promise<void> }>}
 */
export async function serveBuild({ root = 'build', host = '127.0.0.1', port = 4173 } = {}) {
	const base = resolve(root);
	const fallback = join(base, 'index.html');
	const server = createServer(async (req, res) => {
		try {
			const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
			let file = normalize(join(base, path));
			if (!file.startsWith(base)) {
				res.writeHead(403).end();
				return;
			}
			const info = await stat(file).catch(() => null);
			if (!info || info.isDirectory()) file = info ? join(file, 'index.html') : fallback;
			const body = await readFile(file).catch(() => readFile(fallback));
			const immutable = path.startsWith('/_app/immutable/');
			res.writeHead(200, {
				'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
				'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache'
			});
			res.end(body);
		} catch (e) {
			res.writeHead(500).end(String(e));
		}
	});
	await new Promise((ok, fail) => server.once('error', fail).listen(port, host, () => ok(undefined)));
	const address = server.address();
	const actualPort = typeof address === 'object' && address ? address.port : port;
	return {
		url: `http://${host}:${actualPort}`,
		close: () => closeServer(server)
	};
}

/**
 * Stops a server and closes its connections too: a browser may keep one open that close() alone
 * would wait on for good (bench search hung there after its LIKE run, Chromium 156).
 * @param {import('node:http').Server} server
 * @returns {Promise<void>}
 */
export function closeServer(server) {
	return new Promise((ok) => {
		server.close(() => ok(undefined));
		server.closeAllConnections();
	});
}

if (import.meta.url === `file://${process.argv[1]}`) {
	const port = Number(process.env.PORT ?? 4173);
	const host = process.env.HOST ?? '127.0.0.1';
	const { url } = await serveBuild({ host, port });
	console.log(`Orrery is being served at ${url}`);
}
