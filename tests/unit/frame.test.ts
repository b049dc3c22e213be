// Framing for the Orrery protocols: the pure encoder/decoder, then framed() over real libp2p
// streams. The second half needs a loopback-only network namespace:
//   unshare -n sh -c 'ip link set lo up; npx vitest run tests/unit/frame.test.ts'
import fc from 'fast-check';
import type { Stream } from '@libp2p/interface';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	DEFAULT_MAX_FRAME_BYTES,
	FrameDecoder,
	FrameError,
	encodeFrame,
	framed,
	framedPair,
	type Frame,
	type FrameErrorCode,
	type FrameMessage,
	type FramedStream
} from '../../src/lib/vdfs/p2p/frame';
import { twoNodes, type NodePair } from './p2p-nodes';

const utf8 = new TextEncoder();

function varint(n: number): number[] {
	const out: number[] = [];
	while (n >= 0x80) {
		out.push((n % 0x80) | 0x80);
		n = Math.floor(n / 0x80);
	}
	out.push(n);
	return out;
}

/** A frame built by hand: [varint L][version][varint J][json][attachment], with overrides. */
function rawFrame(
	json: Uint8Array | string,
	opts: { version?: number; j?: number; attachment?: number[] } = {}
): Uint8Array {
	const bytes = typeof json === 'string' ? utf8.encode(json) : json;
	const body = [opts.version ?? 1, ...varint(opts.j ?? bytes.byteLength), ...bytes, ...(opts.attachment ?? [])];
	return Uint8Array.from([...varint(body.length), ...body]);
}

function codeOf(fn: () => unknown): FrameErrorCode | 'no error' | 'other' {
	try {
		fn();
		return 'no error';
	} catch (e) {
		return e instanceof FrameError ? e.code : 'other';
	}
}

async function codeOfAsync(p: Promise<unknown>): Promise<string> {
	try {
		await p;
		return 'no error';
	} catch (e) {
		return e instanceof FrameError ? e.code : `other: ${(e as Error).name}`;
	}
}

describe('encodeFrame and FrameDecoder', () => {
	it('writes the documented wire format: varint L, version 1, varint J, JSON, attachment', () => {
		const bytes = encodeFrame({ type: 'ping' }, Uint8Array.from([7, 8]));
		const json = utf8.encode('{"type":"ping"}');
		expect([...bytes]).toEqual([1 + 1 + json.length + 2, 1, json.length, ...json, 7, 8]);
	});

	it('round-trips a message without an attachment', () => {
		const msg = { type: 'hello', n: 3, list: [1, 'two', null], nested: { ok: true } };
		expect(new FrameDecoder().push(encodeFrame(msg))).toEqual([{ message: msg }]);
	});

	it('round-trips a message with an attachment, and drops an empty one', () => {
		const attachment = Uint8Array.from({ length: 70_000 }, (_, i) => i % 251);
		const [frame] = new FrameDecoder().push(encodeFrame({ type: 'chunk', offset: 0 }, attachment));
		expect(frame.message).toEqual({ type: 'chunk', offset: 0 });
		expect(frame.attachment).toEqual(attachment);
		const [empty] = new FrameDecoder().push(encodeFrame({ type: 'chunk' }, new Uint8Array(0)));
		expect(empty).toEqual({ message: { type: 'chunk' } });
	});

	it('round-trips unicode in types and values (accents, CJK, emoji, a lone-looking surrogate pair)', () => {
		const msg = { type: 'nöm-名前', name: 'Ordinateur de Zoé 💻', path: '/写真/🌄.jpg', e: '\u{1F9D1}\u200D\u{1F680}' };
		expect(new FrameDecoder().push(encodeFrame(msg))[0].message).toEqual(msg);
	});

	it('decodes any sequence of frames split at arbitrary chunk boundaries into the same messages', () => {
		const message = fc.record({
			type: fc.string({ minLength: 1, maxLength: 20 }),
			value: fc.jsonValue({ maxDepth: 3 })
		});
		const frame = fc.record({ message, attachment: fc.option(fc.uint8Array({ maxLength: 300 }), { nil: undefined }) });
		fc.assert(
			fc.property(fc.array(frame, { maxLength: 12 }), fc.array(fc.nat(), { maxLength: 30 }), (frames, cuts) => {
				const encoded = frames.map((f) => encodeFrame(f.message, f.attachment));
				const all = new Uint8Array(encoded.reduce((n, b) => n + b.byteLength, 0));
				let at = 0;
				for (const b of encoded) {
					all.set(b, at);
					at += b.byteLength;
				}
				const points = [...new Set(cuts.map((c) => (all.byteLength ? c % (all.byteLength + 1) : 0)))].sort(
					(a, b) => a - b
				);
				const decoder = new FrameDecoder();
				const out: Frame[] = [];
				let from = 0;
				for (const p of [...points, all.byteLength]) {
					out.push(...decoder.push(all.subarray(from, p)));
					from = p;
				}
				decoder.end();
				expect(out.map((f) => f.message)).toEqual(frames.map((f) => JSON.parse(JSON.stringify(f.message))));
				expect(out.map((f) => f.attachment ?? null)).toEqual(
					frames.map((f) => (f.attachment && f.attachment.byteLength > 0 ? f.attachment : null))
				);
			}),
			{ numRuns: 300 }
		);
	});

	it('accepts Uint8ArrayList-like chunks (anything with subarray())', () => {
		const bytes = encodeFrame({ type: 'x' });
		const list = { subarray: () => bytes };
		expect(new FrameDecoder().push(list)).toEqual([{ message: { type: 'x' } }]);
	});

	it('refuses a huge announced length from the header alone, before any body arrives', () => {
		const decoder = new FrameDecoder();
		// 4 GiB announced: only the 5 header bytes are pushed.
		const header = Uint8Array.from(varint(4 * 1024 ** 3));
		expect(header.byteLength).toBe(5);
		expect(codeOf(() => decoder.push(header))).toBe('FrameTooLarge');
		expect(decoder.midFrame).toBe(false);
		// One byte over a custom cap, header only.
		const small = new FrameDecoder({ maxFrameBytes: 100 });
		expect(codeOf(() => small.push(Uint8Array.from(varint(101))))).toBe('FrameTooLarge');
		expect(codeOf(() => new FrameDecoder({ maxFrameBytes: 100 }).push(Uint8Array.from(varint(100))))).toBe('no error');
	});

	it('gives each malformed frame the right error code', () => {
		const cases: [string, Uint8Array, FrameErrorCode][] = [
			['a varint longer than 5 bytes', Uint8Array.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x01]), 'FrameMalformed'],
			['a varint not minimally encoded', Uint8Array.from([0x85, 0x00]), 'FrameMalformed'],
			['a zero-length frame', Uint8Array.from([0]), 'FrameMalformed'],
			['a frame with a version only', Uint8Array.from([1, 1]), 'FrameMalformed'],
			['an unknown version', rawFrame('{"type":"x"}', { version: 2 }), 'FrameVersion'],
			['version 0', rawFrame('{"type":"x"}', { version: 0 }), 'FrameVersion'],
			['J larger than the body', rawFrame('{"type":"x"}', { j: 40 }), 'FrameMalformed'],
			['a JSON length cut by the end of the body', Uint8Array.from([2, 1, 0x80]), 'FrameMalformed'],
			['invalid UTF-8', rawFrame(Uint8Array.from([0x7b, 0xff, 0xfe, 0x7d])), 'FrameMalformed'],
			['invalid JSON', rawFrame('{"type":'), 'FrameMalformed'],
			['JSON null', rawFrame('null'), 'FrameMalformed'],
			['a JSON array', rawFrame('[{"type":"x"}]'), 'FrameMalformed'],
			['a JSON string', rawFrame('"x"'), 'FrameMalformed'],
			['an object without type', rawFrame('{"kind":"x"}'), 'FrameMalformed'],
			['an empty type', rawFrame('{"type":""}'), 'FrameMalformed'],
			['a numeric type', rawFrame('{"type":5}'), 'FrameMalformed']
		];
		for (const [what, bytes, code] of cases) {
			expect({ what, code: codeOf(() => new FrameDecoder().push(bytes)) }).toEqual({ what, code });
		}
	});

	it('stays failed after an error, and says a stream that ended mid-frame was truncated', () => {
		const decoder = new FrameDecoder();
		expect(codeOf(() => decoder.push(rawFrame('nope')))).toBe('FrameMalformed');
		expect(codeOf(() => decoder.push(encodeFrame({ type: 'fine' })))).toBe('FrameMalformed');

		const cut = new FrameDecoder();
		const bytes = encodeFrame({ type: 'long', text: 'x'.repeat(100) });
		expect(cut.push(bytes.subarray(0, 50))).toEqual([]);
		let err: unknown;
		try {
			cut.end();
		} catch (e) {
			err = e;
		}
		expect(err).toBeInstanceOf(FrameError);
		expect((err as FrameError).code).toBe('FrameMalformed');
		expect((err as FrameError).message).toMatch(/truncated/);
		expect(() => new FrameDecoder().end()).not.toThrow();
	});

	it('refuses to encode past the cap or a message without a type', () => {
		expect(codeOf(() => encodeFrame({ type: 'big' }, new Uint8Array(DEFAULT_MAX_FRAME_BYTES)))).toBe('FrameTooLarge');
		expect(codeOf(() => encodeFrame({ type: 'ok' }, new Uint8Array(DEFAULT_MAX_FRAME_BYTES - 20)))).toBe('no error');
		expect(codeOf(() => encodeFrame({ type: '' }))).toBe('FrameMalformed');
		expect(codeOf(() => encodeFrame({ type: 'n', big: 1n } as unknown as FrameMessage))).toBe('FrameMalformed');
	});
});

describe('framedPair (in memory)', () => {
	it('carries frames both ways and ends with null after close', async () => {
		const [a, b] = framedPair({ peers: ['A', 'B'] });
		expect([a.remotePeer, b.remotePeer]).toEqual(['B', 'A']);
		await a.send({ type: 'one' }, Uint8Array.from([1]));
		await a.send({ type: 'two' });
		await a.close();
		expect(await b.next()).toEqual({ message: { type: 'one' }, attachment: Uint8Array.from([1]) });
		expect(await b.next()).toEqual({ message: { type: 'two' } });
		expect(await b.next()).toBeNull();
		await b.send({ type: 'reply' });
		expect((await a.next())?.message.type).toBe('reply');
	});

	it('times out a silent peer with code Timeout and resets the other end', async () => {
		const [a, b] = framedPair();
		const t = Date.now();
		expect(await codeOfAsync(a.next({ timeoutMs: 50 }))).toBe('Timeout');
		expect(Date.now() - t).toBeGreaterThanOrEqual(45);
		await expect(b.next()).rejects.toThrow(/reset/);
		await expect(a.send({ type: 'late' })).rejects.toThrow();
	});

	it('rejects a pending next() when its signal aborts', async () => {
		const [a] = framedPair();
		const ctrl = new AbortController();
		const pending = a.next({ signal: ctrl.signal });
		ctrl.abort(new Error('stop waiting'));
		await expect(pending).rejects.toThrow('stop waiting');
	});
});

// ---- real libp2p streams

const ECHO = '/orrery-test/frame-echo/1';
const SINK = '/orrery-test/frame-sink/1';

describe('framed() over real libp2p streams (websockets, noise, yamux on 127.0.0.1)', () => {
	let nodes: NodePair;
	const handlerErrors: unknown[] = [];
	/** Frames the sink has read so far. */
	let sinkCount = 0;
	let sinkDone: Promise<number> = Promise.resolve(0);
	/** The sink reads nothing until this resolves. */
	let sinkGate: Promise<void> = Promise.resolve();

	beforeAll(async () => {
		nodes = await twoNodes();
		await nodes.server.handle(ECHO, async (stream, connection) => {
			const s = framed(stream, { remotePeer: connection.remotePeer });
			try {
				for (;;) {
					const frame = await s.next();
					if (!frame) break;
					await s.send({ ...frame.message, from: s.remotePeer }, frame.attachment);
				}
				await s.close();
			} catch (e) {
				handlerErrors.push(e);
			}
		});
		await nodes.server.handle(SINK, (stream) => {
			// A reader with a small read buffer that waits for the gate: its pause must stop the sender.
			const s = framed(stream, { readHighWaterBytes: 256 * 1024 });
			sinkCount = 0;
			sinkDone = (async () => {
				await sinkGate;
				while (await s.next({ timeoutMs: 10_000 })) sinkCount++;
				await s.close();
				return sinkCount;
			})().catch((e: unknown) => {
				handlerErrors.push(e);
				return -1;
			});
		});
	});

	afterAll(async () => {
		await nodes?.stop();
	});

	async function echoStream(): Promise<{ raw: Stream; s: FramedStream }> {
		const raw = await nodes.open(ECHO);
		return { raw, s: framed(raw, { remotePeer: nodes.connection.remotePeer }) };
	}

	it('echoes 200 frames of 64 KiB sent without waiting for the reader, through back-pressure', async () => {
		const { raw, s } = await echoStream();
		let full = 0;
		const send = raw.send.bind(raw);
		raw.send = (data) => {
			const ok = send(data);
			if (!ok) full++;
			return ok;
		};
		const N = 200;
		const chunk = (i: number) => Uint8Array.from({ length: 64 * 1024 }, (_, k) => (i * 31 + k) % 256);
		const writer = (async () => {
			for (let i = 0; i < N; i++) await s.send({ type: 'data', i }, chunk(i));
			await s.close();
		})();
		const received: Frame[] = [];
		for (;;) {
			const frame = await s.next({ timeoutMs: 10_000 });
			if (!frame) break;
			received.push(frame);
		}
		await writer;
		expect(received.map((f) => f.message.i)).toEqual([...Array(N).keys()]);
		expect(received[0].message.from).toBe(nodes.client.peerId.toString());
		for (const i of [0, 77, 199]) expect(received[i].attachment).toEqual(chunk(i));
		// The transport said "full" and the sender waited for drain.
		expect(full).toBeGreaterThan(0);
	});

	it('stops a fast sender while the reader does not read, and delivers everything once it does', async () => {
		let openGate = () => {};
		sinkGate = new Promise<void>((resolve) => (openGate = resolve));
		const raw = await nodes.open(SINK);
		const s = framed(raw);
		// 25 MiB: more than yamux lets fly before a pause bites (its window grows to 16 MiB).
		const N = 400;
		let sent = 0;
		const writer = (async () => {
			for (; sent < N; sent++) {
				await s.send({ type: 'data', i: sent }, new Uint8Array(64 * 1024));
				// What send() resolved on has left our side: the sender queues nothing itself.
				expect(raw.writeBufferLength).toBeLessThanOrEqual(64 * 1024 + 100);
			}
			await s.close();
		})();
		// Wait until the sender makes no progress for 300 ms.
		let last = -1;
		while (sent !== last) {
			last = sent;
			await new Promise((r) => setTimeout(r, 300));
		}
		const stalledAt = sent;
		openGate();
		await writer;
		// Every frame arrived: the paused stream was not reset for holding a window in flight.
		expect(await sinkDone).toBe(N);
		// Stuck after one yamux window (16 MiB = 256 frames) plus the sink's 256 KiB.
		expect(stalledAt).toBeGreaterThan(0);
		expect(stalledAt).toBeLessThan(300);
	});

	it('resets the stream of a peer announcing an oversized frame; the node keeps serving', async () => {
		handlerErrors.length = 0;
		const { raw, s } = await echoStream();
		raw.send(Uint8Array.from(varint(4 * 1024 ** 3)));
		expect(await codeOfAsync(s.next({ timeoutMs: 5000 }))).toMatch(/other: StreamResetError/);
		await expect.poll(() => handlerErrors.length).toBe(1);
		expect((handlerErrors[0] as FrameError).code).toBe('FrameTooLarge');
		expect(nodes.server.status).toBe('started');

		const fresh = await echoStream();
		await fresh.s.send({ type: 'still-there' });
		expect((await fresh.s.next({ timeoutMs: 5000 }))?.message.type).toBe('still-there');
		await fresh.s.close();
		expect(await fresh.s.next({ timeoutMs: 5000 })).toBeNull();
	});

	it('resets the stream of a peer sending garbage JSON after a good frame, which is still answered', async () => {
		handlerErrors.length = 0;
		const { raw, s } = await echoStream();
		await s.send({ type: 'good' });
		expect((await s.next({ timeoutMs: 5000 }))?.message.type).toBe('good');
		raw.send(rawFrame('{"type": nope'));
		expect(await codeOfAsync(s.next({ timeoutMs: 5000 }))).toMatch(/other: StreamResetError/);
		await expect.poll(() => handlerErrors.length).toBe(1);
		expect((handlerErrors[0] as FrameError).code).toBe('FrameMalformed');
		expect(nodes.server.status).toBe('started');
	});

	it('reports a stream that ends mid-frame as truncated', async () => {
		handlerErrors.length = 0;
		const raw = await nodes.open(ECHO);
		raw.send(encodeFrame({ type: 'cut', text: 'x'.repeat(1000) }).subarray(0, 300));
		await raw.close();
		await expect.poll(() => handlerErrors.length).toBe(1);
		expect((handlerErrors[0] as FrameError).code).toBe('FrameMalformed');
		expect((handlerErrors[0] as FrameError).message).toMatch(/truncated/);
	});

	it('times out waiting on a silent peer, aborting the stream', async () => {
		handlerErrors.length = 0;
		const { raw, s } = await echoStream();
		expect(await codeOfAsync(s.next({ timeoutMs: 100 }))).toBe('Timeout');
		expect(raw.status).toBe('aborted');
		// The echo handler sees the reset, as an error of its own stream.
		await expect.poll(() => handlerErrors.length).toBe(1);
	});
});
