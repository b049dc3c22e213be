// The relay service (relay/main.js) as a real process, driven by real Node libp2p clients and by
// raw sockets. Run it inside a loopback-only network namespace (npm run test:unit does, through
// scripts/netns.sh):
//   unshare -n sh -c 'ip link set lo up; npx vitest run tests/unit/relay.test.ts'
import '../../relay/node20.js';
import { noise } from '@chainsafe/libp2p-noise';
import { yamux } from '@chainsafe/libp2p-yamux';
import { circuitRelayTransport } from '@libp2p/circuit-relay-v2';
import { identify } from '@libp2p/identify';
import type { Libp2p, Stream } from '@libp2p/interface';
import { webSockets } from '@libp2p/websockets';
import { multiaddr } from '@multiformats/multiaddr';
import { createLibp2p } from 'libp2p';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

// Node 20 has no global WebSocket and @libp2p/websockets dials with it; `ws` comes with
// @libp2p/websockets (it is what the relay listens with).
globalThis.WebSocket ??= createRequire(import.meta.url)('ws');

const MAIN = fileURLToPath(new URL('../../relay/main.js', import.meta.url));
const HOP = '/libp2p/circuit/relay/0.2.0/hop';
const ECHO = '/orrery-test/echo/1';

interface RelayInfo {
	peerId: string;
	multiaddrs: string[];
	listen: string[];
	health: string;
}

interface RelayProcess {
	info: RelayInfo;
	/** the /ip4/127.0.0.1/tcp/<port>/ws/p2p/<id> address */
	addr: string;
	wsPort: number;
	proc: ChildProcess;
	output: () => string;
	/** SIGTERM, then the exit code */
	stop: () => Promise<number | null>;
}

const processes = new Set<ChildProcess>();
const nodes = new Set<Libp2p>();
let dir = '';

beforeAll(async () => {
	dir = await mkdtemp(join(tmpdir(), 'orrery-relay-'));
});

afterEach(async () => {
	await Promise.allSettled([...nodes].map(async (n) => n.stop()));
	nodes.clear();
});

afterAll(async () => {
	for (const proc of processes) proc.kill('SIGKILL');
	processes.clear();
	await rm(dir, { recursive: true, force: true });
});

function run(args: string[]): { proc: ChildProcess; done: Promise<{ code: number | null; out: string; err: string }> } {
	const proc = spawn(process.execPath, [MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
	processes.add(proc);
	let out = '';
	let err = '';
	proc.stdout?.on('data', (d: Buffer) => (out += d.toString()));
	proc.stderr?.on('data', (d: Buffer) => (err += d.toString()));
	const done = new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
		proc.on('exit', (code) => {
			processes.delete(proc);
			// stdout may still hold data after 'exit'; 'close' follows once the pipes drain.
			proc.on('close', () => resolve({ code, out, err }));
		});
	});
	return { proc, done };
}

/** Starts `node relay/main.js` on free loopback ports and waits for its ORRERY_RELAY line. */
async function startRelayProcess(keyFile: string, extra: string[] = []): Promise<RelayProcess> {
	const { proc, done } = run(['--key-file', keyFile, '--host', '127.0.0.1', '--port', '0', ...extra]);
	let out = '';
	proc.stdout?.on('data', (d: Buffer) => (out += d.toString()));
	const info = await new Promise<RelayInfo>((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error(`relay did not start in 10 s:\n${out}`)), 10_000);
		const onData = () => {
			const line = /^ORRERY_RELAY (.*)$/m.exec(out);
			if (line == null) return;
			clearTimeout(timer);
			proc.stdout?.off('data', onData);
			resolve(JSON.parse(line[1]) as RelayInfo);
		};
		proc.stdout?.on('data', onData);
		void done.then(({ code, err }) => {
			clearTimeout(timer);
			reject(new Error(`relay exited with ${code} before starting:\n${out}${err}`));
		});
	});
	const addr = info.listen[0];
	return {
		info,
		addr,
		wsPort: Number(
			multiaddr(addr)
				.getComponents()
				.find((c) => c.name === 'tcp')?.value
		),
		proc,
		output: () => out,
		stop: async () => {
			proc.kill('SIGTERM');
			return (await done).code;
		}
	};
}

async function client(listen: string[] = []): Promise<Libp2p> {
	const node = await createLibp2p({
		addresses: { listen },
		transports: [webSockets(), circuitRelayTransport()],
		connectionEncrypters: [noise()],
		streamMuxers: [yamux()],
		services: { identify: identify() },
		// Node's default gater allows loopback and ws:// (the browser's refuses both).
		connectionMonitor: { enabled: false }
	});
	nodes.add(node);
	return node;
}

/** A client holding a reservation on the relay: it listens on `<relay>/p2p-circuit`. */
async function reservedClient(relay: RelayProcess): Promise<Libp2p> {
	const node = await client([`${relay.addr}/p2p-circuit`]);
	await node.handle(
		ECHO,
		async (stream) => {
			for await (const chunk of stream) stream.send(chunk);
			await stream.close();
		},
		{ runOnLimitedConnection: true }
	);
	return node;
}

interface Health {
	ok: boolean;
	peerId: string;
	multiaddrs: string[];
	connections: number;
	reservations: number;
	uptimeS: number;
}

async function health(relay: RelayProcess): Promise<Health> {
	const res = await fetch(relay.info.health, { signal: AbortSignal.timeout(3_000) });
	expect(res.status).toBe(200);
	return (await res.json()) as Health;
}

async function waitFor<T>(probe: () => Promise<T>, ok: (value: T) => boolean, ms = 5_000): Promise<T> {
	const end = Date.now() + ms;
	for (;;) {
		const value = await probe();
		if (ok(value) || Date.now() > end) return value;
		await new Promise((r) => setTimeout(r, 50));
	}
}

async function waitForOutput(relay: RelayProcess, pattern: RegExp, ms = 3_000): Promise<string> {
	return waitFor(
		async () => relay.output(),
		(out) => pattern.test(out),
		ms
	);
}

async function readAll(stream: Stream): Promise<Uint8Array> {
	const chunks: Uint8Array[] = [];
	for await (const chunk of stream) chunks.push(chunk.subarray());
	return Buffer.concat(chunks);
}

describe('relay identity', () => {
	it('keeps its peer id across restarts from the same key file (mode 0600); a new key file gives a new id', async () => {
		const keyA = join(dir, 'a.key');
		const first = await startRelayProcess(keyA);
		expect(first.info.peerId).toMatch(/^12D3KooW/);
		expect(first.info.multiaddrs[0]).toBe(`${first.addr}`);
		expect(first.addr).toMatch(new RegExp(`^/ip4/127\\.0\\.0\\.1/tcp/\\d+/ws/p2p/${first.info.peerId}$`));
		expect((await stat(keyA)).mode & 0o777).toBe(0o600);
		expect(await first.stop()).toBe(0);
		expect(first.output()).toMatch(/relay:stopped/);

		const again = await startRelayProcess(keyA);
		expect(again.info.peerId).toBe(first.info.peerId);
		const other = await startRelayProcess(join(dir, 'b.key'));
		expect(other.info.peerId).not.toBe(first.info.peerId);
		await Promise.all([again.stop(), other.stop()]);
	}, 20_000);

	it('refuses a corrupt key file with exit code 3 and a message naming the file, not a stack trace', async () => {
		const notBase64 = join(dir, 'corrupt.key');
		await writeFile(notBase64, 'this is not a key\n');
		const notAKey = join(dir, 'garbage.key');
		await writeFile(notAKey, randomBytes(40).toString('base64'));
		for (const keyFile of [notBase64, notAKey]) {
			const { code, err } = await run(['--key-file', keyFile, '--port', '0']).done;
			expect(code).toBe(3);
			expect(err).toContain(keyFile);
			expect(err).toContain('does not hold a relay key');
			expect(err).not.toMatch(/\n\s+at /);
		}
	}, 20_000);
});

describe('relay service', () => {
	let relay: RelayProcess;

	beforeAll(async () => {
		// A higher connection rate: every client here comes from 127.0.0.1, and the junk test
		// opens more than the default 5 connections per second.
		relay = await startRelayProcess(join(dir, 'service.key'), [
			'--connection-rate',
			'200',
			'--handshake-timeout',
			'2s'
		]);
	});

	afterAll(async () => {
		expect(await relay.stop()).toBe(0);
	});

	it('gives a client a /p2p-circuit reservation and relays a second client’s stream to it', async () => {
		const listener = await reservedClient(relay);
		const circuit = `${relay.addr}/p2p-circuit/p2p/${listener.peerId.toString()}`;
		expect(listener.getMultiaddrs().map(String)).toContain(circuit);
		expect(
			(
				await waitFor(
					() => health(relay),
					(h) => h.reservations === 1
				)
			).reservations
		).toBe(1);

		const dialer = await client();
		const stream = await dialer.dialProtocol(multiaddr(circuit), ECHO, { runOnLimitedConnection: true });
		const message = new TextEncoder().encode('hello through the relay');
		stream.send(message);
		await stream.close();
		expect(new TextDecoder().decode(await readAll(stream))).toBe('hello through the relay');

		// The relayed connection carries the relay's limits, so it is a limited connection.
		const [relayed] = dialer.getConnections(listener.peerId);
		expect(relayed.remoteAddr.toString()).toBe(circuit);
		expect(relayed.limits?.bytes).toBeLessThanOrEqual(128n * 1024n);
		expect(await waitForOutput(relay, /relay:connect/)).toMatch(
			new RegExp(
				`reservation:new peer=${listener.peerId.toString()}[^]*relay:connect from=${dialer.peerId.toString()} to=${listener.peerId.toString()}`
			)
		);

		await listener.stop();
		expect(
			(
				await waitFor(
					() => health(relay),
					(h) => h.reservations === 0
				)
			).reservations
		).toBe(0);
		expect(await waitForOutput(relay, /reservation:end/)).toMatch(
			new RegExp(`reservation:end peer=${listener.peerId.toString()} reason=disconnected`)
		);
	});

	it('serves GET /health, and --check exits 0 for it and 1 when nothing answers', async () => {
		const h = await health(relay);
		expect(h).toMatchObject({ ok: true, peerId: relay.info.peerId, multiaddrs: relay.info.multiaddrs });
		expect(typeof h.connections).toBe('number');
		expect(typeof h.reservations).toBe('number');
		expect(h.uptimeS).toBeGreaterThanOrEqual(0);
		expect((await fetch(relay.info.health.replace('/health', '/nope'))).status).toBe(404);

		const healthy = await run(['--check', relay.info.health]).done;
		expect(healthy.code).toBe(0);
		expect(JSON.parse(healthy.out)).toMatchObject({ ok: true, peerId: relay.info.peerId });

		const deadPort = await freePort();
		const dead = await run(['--check', `http://127.0.0.1:${deadPort}/health`]).done;
		expect(dead.code).toBe(1);
		expect(dead.err).toMatch(/relay unhealthy: cannot reach/);

		const help = await run(['--help']).done;
		expect(help.code).toBe(0);
		expect(help.out).toContain('--max-reservations');
	}, 15_000);

	it('survives junk: raw bytes, bad upgrades, junk WebSocket frames, bad multistream, huge length prefixes, malformed hop messages', async () => {
		const port = relay.wsPort;
		const wsJunk = [
			randomBytes(2048),
			Buffer.from('\x13/multistream/9.9.9\n\x10/not-a-protocol\n'),
			// varint 2^35-1: a length prefix far beyond any frame
			Buffer.concat([Buffer.from([0xff, 0xff, 0xff, 0xff, 0x7f]), randomBytes(512)]),
			Buffer.concat([Buffer.from('\x13/multistream/1.0.0\n'), Buffer.from([0xff, 0xff, 0xff, 0x0f]), randomBytes(4096)])
		];
		const results = await Promise.all([
			rawExchange(port, [Buffer.concat([Buffer.from([0xff, 0x00, 0x16]), randomBytes(4096)])]),
			rawExchange(port, [
				Buffer.from(
					'GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: bad\r\nSec-WebSocket-Version: 13\r\n\r\n'
				)
			]),
			rawExchange(port, [Buffer.from(`GET / HTTP/1.1\r\nHost: x\r\nX-Junk: ${'a'.repeat(64 * 1024)}\r\n\r\n`)]),
			rawExchange(port, [Buffer.from('\r\n\r\nPOST /\0\0\0 HTTP/9\r\n\r\n')]),
			...wsJunk.map((junk) => rawExchange(port, [wsUpgrade(), wsFrame(junk)], { afterUpgrade: true })),
			rawExchange(port, [wsUpgrade(), wsFrame(Buffer.from('text, not binary'), 0x1)], { afterUpgrade: true }),
			// Frames that break RFC 6455, each of which stopped the relay before relay/websockets.js:
			// a length of 2^62, no mask, RSV1 without an extension, a close frame with code 1006.
			...[
				Buffer.from([0x82, 0xff, 0x40, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4]),
				Buffer.from([0x82, 0x03, 1, 2, 3]),
				Buffer.from([0xc2, 0x83, 0, 0, 0, 0, 1, 2, 3]),
				Buffer.from([0x88, 0x82, 0, 0, 0, 0, 0x03, 0xee])
			].map((frame) => rawExchange(port, [wsUpgrade(), frame], { afterUpgrade: true }))
		]);
		for (const [i, r] of results.entries())
			expect(r.closed, `junk #${i}: ${r.response.toString('latin1').slice(0, 80)}`).toBe(true);
		expect(await waitForOutput(relay, /connection:bad-frame/)).toMatch(
			/connection:bad-frame remote=127\.0\.0\.1:\d+ reason=WS_ERR_UNSUPPORTED_DATA_PAYLOAD_LENGTH/
		);
		expect(results[1].response.toString('latin1')).toMatch(/^HTTP\/1\.1 400/);
		expect(results[2].response.toString('latin1')).toMatch(/^HTTP\/1\.1 431/);

		// Malformed circuit relay requests from a real, authenticated peer.
		const peer = await client();
		const hopReplies = await Promise.all([
			// a length prefix, then too few bytes and the end of the stream
			hopExchange(peer, relay, Buffer.concat([Buffer.from([0x7f]), Buffer.alloc(50, 0xee)]), { end: true }),
			// a 4 GiB length prefix, then the end of the stream
			hopExchange(peer, relay, Buffer.concat([Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f]), Buffer.alloc(64, 1)]), {
				end: true
			}),
			// a 4 GiB length prefix, then more bytes than the relay buffers (4 MiB): it resets the stream
			hopExchange(
				peer,
				relay,
				Buffer.concat([Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f]), randomBytes(5 * 1024 * 1024)])
			),
			// a field with wire type 7, which protobuf does not have
			hopExchange(peer, relay, lengthPrefixed(Buffer.from([0x0f, 0xff, 0xff, 0xff, 0xff, 0xff]))),
			// CONNECT whose peer id is junk
			hopExchange(peer, relay, lengthPrefixed(Buffer.from([0x08, 0x01, 0x12, 0x06, 0x0a, 0x04, 1, 2, 3, 4]))),
			// CONNECT to a peer without a reservation
			hopExchange(
				peer,
				relay,
				lengthPrefixed(
					Buffer.concat([Buffer.from([0x08, 0x01, 0x12, 0x28, 0x0a, 0x26]), peer.peerId.toMultihash().bytes])
				)
			),
			// an unknown message type
			hopExchange(peer, relay, lengthPrefixed(Buffer.from([0x08, 0x07])))
		]);
		expect(hopReplies).toEqual([
			'MALFORMED_MESSAGE',
			'MALFORMED_MESSAGE',
			expect.stringMatching(/^(MALFORMED_MESSAGE|reset)$/),
			'MALFORMED_MESSAGE',
			'MALFORMED_MESSAGE',
			'NO_RESERVATION',
			'MALFORMED_MESSAGE'
		]);

		expect(relay.proc.exitCode).toBe(null);
		expect((await health(relay)).ok).toBe(true);
		const fresh = await reservedClient(relay);
		expect(fresh.getMultiaddrs().map(String)).toContain(`${relay.addr}/p2p-circuit/p2p/${fresh.peerId.toString()}`);
	}, 20_000);
});

describe('relay limits', () => {
	it('refuses a second reservation with --max-reservations 1 while the first is held, and frees the slot on disconnect', async () => {
		const relay = await startRelayProcess(join(dir, 'limits.key'), [
			'--max-reservations',
			'1',
			'--connection-rate',
			'200'
		]);
		try {
			const first = await reservedClient(relay);
			await expect(reservedClient(relay)).rejects.toThrow(/RESERVATION_REFUSED/);
			expect(await waitForOutput(relay, /reservation:refused/)).toMatch(
				/reservation:refused peer=\S+ reason=full max=1/
			);
			expect((await health(relay)).reservations).toBe(1);

			await first.stop();
			await waitFor(
				() => health(relay),
				(h) => h.reservations === 0
			);
			const next = await reservedClient(relay);
			expect(
				next
					.getMultiaddrs()
					.map(String)
					.some((a) => a.includes('/p2p-circuit'))
			).toBe(true);
		} finally {
			await relay.stop();
		}
	}, 15_000);

	it('refuses inbound connections beyond --max-connections', async () => {
		const relay = await startRelayProcess(join(dir, 'limits.key'), [
			'--max-connections',
			'2',
			'--connection-rate',
			'200'
		]);
		try {
			const [a, b, c] = await Promise.all([client(), client(), client()]);
			await a.dial(multiaddr(relay.addr));
			await b.dial(multiaddr(relay.addr));
			await expect(c.dial(multiaddr(relay.addr), { signal: AbortSignal.timeout(5_000) })).rejects.toThrow();
			expect((await health(relay)).connections).toBe(2);

			await a.stop();
			await waitFor(
				() => health(relay),
				(h) => h.connections === 1
			);
			await c.dial(multiaddr(relay.addr));
			expect((await health(relay)).connections).toBe(2);
		} finally {
			await relay.stop();
		}
	}, 15_000);

	it('refuses connections from one IP beyond --max-connections-per-ip and logs why', async () => {
		const relay = await startRelayProcess(join(dir, 'limits.key'), [
			'--max-connections-per-ip',
			'1',
			'--connection-rate',
			'200'
		]);
		try {
			const [a, b] = await Promise.all([client(), client()]);
			await a.dial(multiaddr(relay.addr));
			await expect(b.dial(multiaddr(relay.addr), { signal: AbortSignal.timeout(5_000) })).rejects.toThrow();
			expect(await waitForOutput(relay, /connection:refused/)).toMatch(
				/connection:refused addr=\/ip4\/127\.0\.0\.1\/\S+ reason=per-ip-limit/
			);
			expect((await health(relay)).connections).toBe(1);
		} finally {
			await relay.stop();
		}
	}, 15_000);
});

async function freePort(): Promise<number> {
	const server = createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const address = server.address();
	await new Promise((resolve) => server.close(resolve));
	if (address == null || typeof address === 'string') throw new Error('no port');
	return address.port;
}

/**
 * Writes `chunks` to the relay's WebSockets port and collects what comes back until the relay
 * closes the socket or sends a WebSocket close frame (closed: true), or `ms` pass. With
 * afterUpgrade, the first chunk is an upgrade request and the rest follow the 101 response.
 */
async function rawExchange(
	port: number,
	chunks: Buffer[],
	{ afterUpgrade = false, ms = 5_000 } = {}
): Promise<{ response: Buffer; closed: boolean }> {
	const socket = connect(port, '127.0.0.1');
	let received = Buffer.alloc(0);
	return new Promise((resolve) => {
		const finish = (closed: boolean) => {
			clearTimeout(timer);
			socket.destroy();
			resolve({ response: received, closed });
		};
		const timer = setTimeout(() => finish(false), ms);
		socket.on('error', () => {});
		socket.on('close', () => finish(true));
		socket.on('connect', () => {
			for (const chunk of afterUpgrade ? chunks.slice(0, 1) : chunks) socket.write(chunk);
		});
		let upgraded = false;
		socket.on('data', (data: Buffer) => {
			received = Buffer.concat([received, data]);
			if (!afterUpgrade) return;
			const headerEnd = received.indexOf('\r\n\r\n');
			if (headerEnd < 0) return;
			if (!upgraded) {
				upgraded = true;
				for (const chunk of chunks.slice(1)) socket.write(chunk);
			}
			if (serverFrameOpcodes(received.subarray(headerEnd + 4)).includes(0x8)) finish(true);
		});
	});
}

/** Opcodes of the complete unmasked (server) frames in `bytes` (RFC 6455 §5.2). */
function serverFrameOpcodes(bytes: Buffer): number[] {
	const opcodes: number[] = [];
	let i = 0;
	while (i + 2 <= bytes.length) {
		let len = bytes[i + 1] & 0x7f;
		let header = 2;
		if (len === 126) {
			if (i + 4 > bytes.length) break;
			len = bytes.readUInt16BE(i + 2);
			header = 4;
		} else if (len === 127) {
			if (i + 10 > bytes.length) break;
			len = Number(bytes.readBigUInt64BE(i + 2));
			header = 10;
		}
		if (i + header + len > bytes.length) break;
		opcodes.push(bytes[i] & 0x0f);
		i += header + len;
	}
	return opcodes;
}

function wsUpgrade(): Buffer {
	return Buffer.from(
		'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
			`Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`
	);
}

/** One masked client frame (RFC 6455 §5.2), binary unless another opcode is given. */
function wsFrame(payload: Buffer, opcode = 0x2): Buffer {
	const mask = randomBytes(4);
	const len = payload.length;
	let header: Buffer;
	if (len < 126) {
		header = Buffer.from([0x80 | opcode, 0x80 | len]);
	} else if (len < 65536) {
		header = Buffer.alloc(4);
		header.writeUInt16BE(len, 2);
		header[1] = 0x80 | 126;
	} else {
		header = Buffer.alloc(10);
		header.writeBigUInt64BE(BigInt(len), 2);
		header[1] = 0x80 | 127;
	}
	header[0] = 0x80 | opcode;
	return Buffer.concat([header, mask, payload.map((b, i) => b ^ mask[i % 4])]);
}

function varint(n: number): Buffer {
	const out: number[] = [];
	while (n >= 0x80) {
		out.push((n & 0x7f) | 0x80);
		n >>>= 7;
	}
	out.push(n);
	return Buffer.from(out);
}

function lengthPrefixed(body: Buffer): Buffer {
	return Buffer.concat([varint(body.length), body]);
}

const HOP_STATUS: Record<number, string> = {
	100: 'OK',
	200: 'RESERVATION_REFUSED',
	202: 'PERMISSION_DENIED',
	204: 'NO_RESERVATION',
	400: 'MALFORMED_MESSAGE',
	401: 'UNEXPECTED_MESSAGE'
};

/**
 * Opens a hop stream, sends `bytes` (then ends the stream with `end`), and returns the status of
 * the relay's HopMessage reply, or 'reset' when the relay reset the stream without one.
 */
async function hopExchange(peer: Libp2p, relay: RelayProcess, bytes: Buffer, { end = false } = {}): Promise<string> {
	const signal = AbortSignal.timeout(5_000);
	const stream = await peer.dialProtocol(multiaddr(relay.addr), HOP, { signal });
	if (!stream.send(bytes)) await stream.onDrain({ signal }).catch(() => {});
	if (end) void stream.close().catch(() => {});
	// The relay answers one length-prefixed HopMessage and may leave the stream open after it.
	let reply = Buffer.alloc(0);
	const timer = setTimeout(() => stream.abort(new Error('no reply in 3 s')), 3_000);
	try {
		for await (const chunk of stream) {
			reply = Buffer.concat([reply, chunk.subarray()]);
			const message = lengthPrefixedMessage(reply);
			if (message != null) return hopStatus(message);
		}
	} catch {
		// a reset after the reply, or no reply at all
	} finally {
		clearTimeout(timer);
		stream.abort(new Error('done'));
	}
	const message = lengthPrefixedMessage(reply);
	if (message != null) return hopStatus(message);
	return stream.status === 'reset' || stream.status === 'aborted' ? 'reset' : `no reply (${stream.status})`;
}

function readVarint(bytes: Uint8Array, at: number): { value: number; next: number } | undefined {
	let value = 0;
	for (let i = at, shift = 0; i < bytes.length && shift < 64; i++, shift += 7) {
		value += (bytes[i] & 0x7f) * 2 ** shift;
		if (bytes[i] < 0x80) return { value, next: i + 1 };
	}
	return undefined;
}

function lengthPrefixedMessage(bytes: Buffer): Buffer | undefined {
	const length = readVarint(bytes, 0);
	if (length == null || bytes.length < length.next + length.value) return undefined;
	return bytes.subarray(length.next, length.next + length.value);
}

/** The status (field 5, a varint) of a HopMessage. */
function hopStatus(message: Buffer): string {
	for (let i = 0; i < message.length;) {
		const tag = readVarint(message, i);
		if (tag == null) break;
		const wireType = tag.value & 7;
		const field = readVarint(message, tag.next);
		if (field == null) break;
		if (tag.value === 0x28) return HOP_STATUS[field.value] ?? `status ${field.value}`;
		i = wireType === 0 ? field.next : wireType === 2 ? field.next + field.value : message.length;
	}
	return `no status in ${message.toString('hex')}`;
}
