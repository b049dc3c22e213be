import type { AbortOptions, Stream, StreamCloseEvent } from '@libp2p/interface';

/**
 * Length-prefixed, versioned messages for every Orrery protocol (`/orrery/pair/1`,
 * `/orrery/ping/1`, `/orrery/device/1`, later sync, fs, drop; DESIGN.md §6).
 *
 * One frame on the wire:
 *
 *     varint L | u8 version (1) | varint J | J bytes of UTF-8 JSON | L - 1 - len(J) - J attachment bytes
 *
 * Varints are unsigned LEB128 (at most 5 bytes, minimal). The JSON is an object with a non-empty
 * string `type`; the attachment carries binary data (file chunks) without base64. Lengths are
 * explicit because a relay's data limit ends a stream like a normal end of data: a cut frame is
 * told apart from a finished one.
 */

export const FRAME_VERSION = 1;
/** @default 1 MiB */
export const DEFAULT_MAX_FRAME_BYTES = 1024 * 1024;
/** A 5-byte varint holds 35 bits. */
const MAX_VARINT_BYTES = 5;
const MAX_VARINT_VALUE = 2 ** 35 - 1;

export type FrameErrorCode = 'FrameTooLarge' | 'FrameMalformed' | 'FrameVersion' | 'Timeout';

export class FrameError extends Error {
	override readonly name = 'FrameError';
	constructor(
		readonly code: FrameErrorCode,
		message: string
	) {
		super(message);
	}
}

/** The JSON part of a frame. */
export type FrameMessage = { type: string; [key: string]: unknown };

export interface Frame {
	message: FrameMessage;
	/** The binary part; absent when the frame has none (an empty attachment is not sent). */
	attachment?: Uint8Array;
}

export interface FrameOptions {
	/**
	 * The largest frame body (everything after the length varint) sent or accepted.
	 * @default 1 MiB
	 */
	maxFrameBytes?: number;
}

/** A Uint8ArrayList (libp2p hands these out) or anything else that can give one flat copy. */
export type ByteChunk = Uint8Array | { subarray(): Uint8Array };

const utf8 = new TextEncoder();
const utf8Strict = new TextDecoder('utf-8', { fatal: true });

function maxFrameBytesOf(options?: FrameOptions): number {
	const max = options?.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
	if (!Number.isSafeInteger(max) || max < 2 || max > MAX_VARINT_VALUE) {
		throw new RangeError(`maxFrameBytes must be an integer from 2 to ${MAX_VARINT_VALUE}, not ${max}`);
	}
	return max;
}

function isFrameMessage(v: unknown): v is FrameMessage {
	return (
		typeof v === 'object' &&
		v !== null &&
		!Array.isArray(v) &&
		typeof (v as { type?: unknown }).type === 'string' &&
		(v as { type: string }).type.length > 0
	);
}

function varintLength(n: number): number {
	let size = 1;
	while (n >= 0x80) {
		n = Math.floor(n / 0x80);
		size++;
	}
	return size;
}

/** Writes `n` at `at`, returns the offset after it. Division, not bit shifts: lengths pass 2^31. */
function writeVarint(out: Uint8Array, at: number, n: number): number {
	while (n >= 0x80) {
		out[at++] = (n % 0x80) | 0x80;
		n = Math.floor(n / 0x80);
	}
	out[at++] = n;
	return at;
}

/**
 * Reads a varint through `byteAt` (undefined past the bytes available). Null when more bytes are
 * needed; throws FrameMalformed for one longer than 5 bytes or not minimally encoded.
 */
function readVarint(byteAt: (i: number) => number | undefined, what: string): { value: number; size: number } | null {
	let value = 0;
	for (let i = 0; i < MAX_VARINT_BYTES; i++) {
		const byte = byteAt(i);
		if (byte === undefined) return null;
		value += (byte & 0x7f) * 2 ** (7 * i);
		if ((byte & 0x80) === 0) {
			if (byte === 0 && i > 0) throw new FrameError('FrameMalformed', `The ${what} is not minimally encoded.`);
			return { value, size: i + 1 };
		}
	}
	throw new FrameError('FrameMalformed', `The ${what} is longer than ${MAX_VARINT_BYTES} bytes.`);
}

function tooLarge(bytes: number, max: number): FrameError {
	return new FrameError(
		'FrameTooLarge',
		`A message of ${bytes} bytes is larger than the ${max} bytes one message may carry.`
	);
}

/** One frame, ready to send. Throws FrameTooLarge past the cap, FrameMalformed for a bad message. */
export function encodeFrame(message: FrameMessage, attachment?: Uint8Array, options?: FrameOptions): Uint8Array {
	const max = maxFrameBytesOf(options);
	if (!isFrameMessage(message)) {
		throw new FrameError('FrameMalformed', 'A message must be an object with a non-empty string type.');
	}
	let json: Uint8Array;
	try {
		json = utf8.encode(JSON.stringify(message));
	} catch (e) {
		throw new FrameError('FrameMalformed', `The ${message.type} message cannot be written as JSON: ${String(e)}`);
	}
	const extra = attachment?.byteLength ?? 0;
	const body = 1 + varintLength(json.byteLength) + json.byteLength + extra;
	if (body > max) throw tooLarge(body, max);
	const out = new Uint8Array(varintLength(body) + body);
	let at = writeVarint(out, 0, body);
	out[at++] = FRAME_VERSION;
	at = writeVarint(out, at, json.byteLength);
	out.set(json, at);
	if (attachment && extra > 0) out.set(attachment, at + json.byteLength);
	return out;
}

/** Body bytes of each decoded frame, for the read high-water mark (the JSON is not kept as bytes). */
const frameBytes = new WeakMap<Frame, number>();

function decodeBody(body: Uint8Array): Frame {
	if (body[0] !== FRAME_VERSION) {
		throw new FrameError(
			'FrameVersion',
			`The other device speaks version ${body[0]} of Orrery's wire format and this one speaks ${FRAME_VERSION}: update Orrery on both.`
		);
	}
	const j = readVarint((i) => (1 + i < body.byteLength ? body[1 + i] : undefined), 'JSON length');
	if (!j) throw new FrameError('FrameMalformed', 'The JSON length runs past the end of the frame.');
	const start = 1 + j.size;
	if (j.value > body.byteLength - start) {
		throw new FrameError(
			'FrameMalformed',
			`The frame announces ${j.value} bytes of JSON but holds only ${body.byteLength - start}.`
		);
	}
	let message: unknown;
	try {
		message = JSON.parse(utf8Strict.decode(body.subarray(start, start + j.value)));
	} catch {
		throw new FrameError('FrameMalformed', 'The frame does not hold valid UTF-8 JSON.');
	}
	if (!isFrameMessage(message)) {
		throw new FrameError('FrameMalformed', 'The frame holds JSON that is not a message with a type.');
	}
	const rest = body.subarray(start + j.value);
	const frame: Frame = rest.byteLength > 0 ? { message, attachment: rest } : { message };
	frameBytes.set(frame, body.byteLength);
	return frame;
}

/**
 * Splits a byte stream into frames. Keeps the bytes of an unfinished frame between pushes, and
 * refuses a frame over the cap as soon as its length is read, before any of its body is kept.
 * After an error it stays failed: every later push throws the same error.
 */
export class FrameDecoder {
	readonly maxFrameBytes: number;
	#chunks: Uint8Array[] = [];
	/** Bytes of #chunks[0] already consumed. */
	#head = 0;
	#buffered = 0;
	/** The body length of the frame being read, once its varint is in. */
	#bodyLength: number | null = null;
	#error: FrameError | null = null;

	constructor(options?: FrameOptions) {
		this.maxFrameBytes = maxFrameBytesOf(options);
	}

	/** True while part of a frame is buffered: an end of stream now would cut it. */
	get midFrame(): boolean {
		return this.#buffered > 0 || this.#bodyLength !== null;
	}

	push(chunk: ByteChunk): Frame[] {
		if (this.#error) throw this.#error;
		const bytes = chunk instanceof Uint8Array ? chunk : chunk.subarray();
		if (bytes.byteLength > 0) {
			this.#chunks.push(bytes);
			this.#buffered += bytes.byteLength;
		}
		const frames: Frame[] = [];
		try {
			for (;;) {
				if (this.#bodyLength === null) {
					const header = readVarint((i) => this.#peek(i), 'frame length');
					if (!header) break;
					if (header.value > this.maxFrameBytes) throw tooLarge(header.value, this.maxFrameBytes);
					if (header.value < 2) throw new FrameError('FrameMalformed', 'The frame is too short to hold a message.');
					this.#take(header.size);
					this.#bodyLength = header.value;
				}
				if (this.#buffered < this.#bodyLength) break;
				const body = this.#take(this.#bodyLength);
				this.#bodyLength = null;
				frames.push(decodeBody(body));
			}
		} catch (e) {
			this.#error = e instanceof FrameError ? e : new FrameError('FrameMalformed', String(e));
			this.#chunks = [];
			this.#buffered = 0;
			throw this.#error;
		}
		return frames;
	}

	/** Checks that the stream ended between frames. */
	end(): void {
		if (this.#error) throw this.#error;
		if (this.midFrame) {
			this.#error = new FrameError(
				'FrameMalformed',
				'The stream ended in the middle of a message (truncated): the connection may have been cut.'
			);
			throw this.#error;
		}
	}

	#peek(i: number): number | undefined {
		let at = this.#head + i;
		for (const chunk of this.#chunks) {
			if (at < chunk.byteLength) return chunk[at];
			at -= chunk.byteLength;
		}
		return undefined;
	}

	/** Removes `n` buffered bytes (n <= #buffered): a view when one chunk holds them, else a copy. */
	#take(n: number): Uint8Array {
		const first = this.#chunks[0];
		let out: Uint8Array;
		if (first.byteLength - this.#head >= n) {
			out = first.subarray(this.#head, this.#head + n);
			this.#head += n;
		} else {
			out = new Uint8Array(n);
			let filled = 0;
			while (filled < n) {
				const chunk = this.#chunks[0];
				const part = chunk.subarray(this.#head, this.#head + (n - filled));
				out.set(part, filled);
				filled += part.byteLength;
				this.#head += part.byteLength;
				if (this.#head === chunk.byteLength) {
					this.#chunks.shift();
					this.#head = 0;
				}
			}
		}
		if (this.#chunks.length > 0 && this.#head === this.#chunks[0].byteLength) {
			this.#chunks.shift();
			this.#head = 0;
		}
		this.#buffered -= n;
		return out;
	}
}

export interface NextOptions {
	/** Aborting it rejects with its reason and aborts the stream. */
	signal?: AbortSignal;
	/** Rejects with FrameError 'Timeout' and aborts the stream when no frame came in time. */
	timeoutMs?: number;
}

/** A stream of frames. Reads and writes may overlap; frames keep their order. */
export interface FramedStream {
	/** The authenticated peer at the other end, when the caller gave it. */
	readonly remotePeer?: string;
	/** Sends one frame; waits while the transport is full (back-pressure). */
	send(message: FrameMessage, attachment?: Uint8Array, options?: AbortOptions): Promise<void>;
	/**
	 * The next frame, or null at a clean end of stream. Rejects with a FrameError for a bad frame
	 * (the stream is then aborted), with the transport's error for a reset, and with FrameError
	 * 'Timeout' after `timeoutMs`.
	 */
	next(options?: NextOptions): Promise<Frame | null>;
	/** Ends our side gracefully once what was sent is flushed; frames can still be read. */
	close(options?: AbortOptions): Promise<void>;
	/** Ends both sides at once with an error (the other end sees a reset). */
	abort(err: Error): void;
}

export interface FramedOptions extends FrameOptions {
	/** The authenticated peer at the other end (the handler's `connection.remotePeer`). */
	remotePeer?: string | { toString(): string };
	/**
	 * Decoded bytes kept for a slow reader before the stream is paused, so the sender waits
	 * instead of filling our memory. Yamux honours a pause, but only after the window already
	 * granted (up to 16 MiB) has arrived; WebRTC data channels ignore it, and libp2p aborts the
	 * stream once its read buffer passes `maxReadBufferLength` (raised to 17 MiB on pause). Bulk
	 * protocols (fs, drop) still need flow control of their own.
	 * @default 4 MiB
	 */
	readHighWaterBytes?: number;
}

/** The sending half a FrameChannel writes to. */
interface Wire {
	write(bytes: Uint8Array, options?: AbortOptions): Promise<void>;
	end(options?: AbortOptions): Promise<void>;
	abort(err: Error): void;
	pause(): void;
	resume(): void;
}

interface Waiter {
	resolve(frame: Frame | null): void;
	reject(err: unknown): void;
	cleanup(): void;
}

/** The transport-free part of a FramedStream: decoding, queueing, waiting, timeouts. */
class FrameChannel implements FramedStream {
	readonly remotePeer?: string;
	#decoder: FrameDecoder;
	#highWater: number;
	#frames: Frame[] = [];
	#queuedBytes = 0;
	#waiters: Waiter[] = [];
	#ended = false;
	/** The error that ends reading, delivered after any frames received before it. */
	#failure: unknown = null;
	/** A local abort: reported at once, queued frames dropped. */
	#aborted = false;
	#paused = false;
	#pressureQueued = false;

	constructor(
		private readonly wire: Wire,
		options?: FramedOptions
	) {
		this.#decoder = new FrameDecoder(options);
		this.#highWater = options?.readHighWaterBytes ?? 4 * 1024 * 1024;
		if (options?.remotePeer !== undefined) this.remotePeer = options.remotePeer.toString();
	}

	async send(message: FrameMessage, attachment?: Uint8Array, options?: AbortOptions): Promise<void> {
		if (this.#aborted) throw this.#failure;
		await this.wire.write(encodeFrame(message, attachment, { maxFrameBytes: this.#decoder.maxFrameBytes }), options);
	}

	next(options?: NextOptions): Promise<Frame | null> {
		if (this.#frames.length > 0) return Promise.resolve(this.#shift());
		if (this.#failure !== null) return Promise.reject(this.#failure);
		if (this.#ended) return Promise.resolve(null);
		const onAbort = () => {
			const reason: unknown = options?.signal?.reason;
			this.abort(reason instanceof Error ? reason : new Error(String(reason)));
		};
		if (options?.signal?.aborted) {
			onAbort();
			return Promise.reject(this.#failure);
		}
		return new Promise<Frame | null>((resolve, reject) => {
			let timer: ReturnType<typeof setTimeout> | undefined;
			const waiter: Waiter = {
				resolve,
				reject,
				cleanup: () => {
					clearTimeout(timer);
					options?.signal?.removeEventListener('abort', onAbort);
				}
			};
			this.#waiters.push(waiter);
			options?.signal?.addEventListener('abort', onAbort, { once: true });
			if (options?.timeoutMs !== undefined) {
				timer = setTimeout(() => {
					this.abort(new FrameError('Timeout', `The other device sent nothing for ${options.timeoutMs} ms.`));
				}, options.timeoutMs);
			}
		});
	}

	close(options?: AbortOptions): Promise<void> {
		return this.wire.end(options);
	}

	abort(err: Error): void {
		if (!this.#aborted) {
			this.#aborted = true;
			this.#failure ??= err;
			this.#frames = [];
			this.#queuedBytes = 0;
			this.#abortWire(err);
		}
		this.#settle();
	}

	#abortWire(err: Error): void {
		try {
			this.wire.abort(err);
		} catch {
			// Already closed underneath: nothing left to tell the other end.
		}
	}

	// ---- fed by the transport; never throws

	receive(chunk: ByteChunk): void {
		if (this.#failure !== null || this.#ended) return;
		let frames: Frame[];
		try {
			frames = this.#decoder.push(chunk);
		} catch (e) {
			const err = e instanceof Error ? e : new Error(String(e));
			this.#failure = err;
			// Frames decoded before stay readable. Let the transport finish dispatching this
			// chunk before it is torn down.
			queueMicrotask(() => this.#abortWire(err));
			this.#settle();
			return;
		}
		for (const frame of frames) {
			this.#frames.push(frame);
			this.#queuedBytes += sizeOf(frame);
		}
		this.#settle();
		this.#checkPressure();
	}

	receiveEnd(): void {
		if (this.#failure !== null || this.#ended) return;
		try {
			this.#decoder.end();
			this.#ended = true;
		} catch (e) {
			this.#failure = e;
			queueMicrotask(() => this.#abortWire(e as Error));
		}
		this.#settle();
	}

	receiveError(err: unknown): void {
		if (this.#failure !== null) return;
		this.#failure = err instanceof Error ? err : new Error(String(err));
		this.#settle();
	}

	#shift(): Frame {
		const frame = this.#frames.shift()!;
		this.#queuedBytes -= sizeOf(frame);
		this.#checkPressure();
		return frame;
	}

	/**
	 * Pauses the transport above the high-water mark and resumes it below, a microtask later:
	 * libp2p's resume() dispatches its buffer into receive() and then tells yamux to resume, which
	 * would undo a pause made from inside that dispatch.
	 */
	#checkPressure(): void {
		if (this.#pressureQueued) return;
		this.#pressureQueued = true;
		queueMicrotask(() => {
			this.#pressureQueued = false;
			if (this.#failure !== null || this.#ended) return;
			const full = this.#queuedBytes >= this.#highWater;
			if (full === this.#paused) return;
			this.#paused = full;
			try {
				if (full) this.wire.pause();
				else this.wire.resume();
			} catch (e) {
				this.abort(e instanceof Error ? e : new Error(String(e)));
			}
		});
	}

	/** Hands queued frames, then the end or the failure, to whoever waits. */
	#settle(): void {
		while (this.#waiters.length > 0) {
			let outcome: { frame: Frame | null } | { error: unknown };
			if (this.#frames.length > 0) outcome = { frame: this.#shift() };
			else if (this.#failure !== null) outcome = { error: this.#failure };
			else if (this.#ended) outcome = { frame: null };
			else return;
			const waiter = this.#waiters.shift()!;
			waiter.cleanup();
			if ('error' in outcome) waiter.reject(outcome.error);
			else waiter.resolve(outcome.frame);
		}
	}
}

function sizeOf(frame: Frame): number {
	return frameBytes.get(frame) ?? 0;
}

/**
 * Waits until the stream has handed everything queued to its transport. Not `stream.onDrain()`:
 * in @libp2p/utils 7.4 its promise is made once and never renewed, so after the first drain it
 * resolves at once and a fast sender queues without limit (measured: 7 MiB queued in the test
 * "holds a fast sender back"). 'idle' fires each time the write queue empties.
 */
function writeQueueEmpty(stream: Stream, signal?: AbortSignal): Promise<void> {
	if (stream.writeBufferLength === 0) return Promise.resolve();
	return new Promise<void>((resolve, reject) => {
		const finish = (err?: unknown) => {
			stream.removeEventListener('idle', onIdle);
			stream.removeEventListener('close', onClose);
			signal?.removeEventListener('abort', onAbort);
			if (err === undefined) resolve();
			else reject(err instanceof Error ? err : new Error(String(err)));
		};
		const onIdle = () => finish();
		const onClose = (evt: StreamCloseEvent) =>
			finish(evt.error ?? new Error('The stream closed before what was sent could leave.'));
		const onAbort = () => finish(signal?.reason);
		stream.addEventListener('idle', onIdle);
		stream.addEventListener('close', onClose);
		signal?.addEventListener('abort', onAbort, { once: true });
	});
}

/** Yamux grows a stream's window up to 16 MiB; libp2p's default read buffer limit is 4 MiB. */
const PAUSED_READ_BUFFER_BYTES = 16 * 1024 * 1024 + DEFAULT_MAX_FRAME_BYTES;

/**
 * Frames over a libp2p v3 stream. Reads through the stream's 'message' events (what its async
 * iterator does) so a slow reader can pause it; 'end' is the clean end of data and a 'close'
 * with an error a reset or abort. Nothing here throws out of an event handler.
 */
export function framed(stream: Stream, options?: FramedOptions): FramedStream {
	const channel = new FrameChannel(
		{
			async write(bytes, opts) {
				// send() returns false when the transport is full; the frame is queued in the stream.
				if (!stream.send(bytes)) await writeQueueEmpty(stream, opts?.signal);
			},
			end: (opts) => stream.close(opts),
			abort: (err) => stream.abort(err),
			pause() {
				// A paused stream buffers what is already in flight (up to a yamux window, which
				// grows to 16 MiB): keep libp2p from resetting it for that.
				stream.maxReadBufferLength = Math.max(stream.maxReadBufferLength, PAUSED_READ_BUFFER_BYTES);
				if (stream.readStatus === 'readable') stream.pause();
			},
			resume() {
				if (stream.readStatus === 'paused') stream.resume();
			}
		},
		options
	);
	const terminal = () => stream.status === 'aborted' || stream.status === 'reset';
	stream.addEventListener('message', (evt) => channel.receive(evt.data));
	// On a reset libp2p emits 'end' just before the 'close' that carries the error.
	stream.addEventListener('end', () => {
		if (!terminal()) channel.receiveEnd();
	});
	stream.addEventListener('close', (evt) => {
		if (evt.error) channel.receiveError(evt.error);
		else if (stream.readBufferLength === 0) channel.receiveEnd();
	});
	if (terminal()) channel.receiveError(new Error(`The stream was already ${stream.status}.`));
	else if (stream.readableEnded) channel.receiveEnd();
	return channel;
}

/**
 * Two FramedStreams joined in memory, for protocol tests and in-process peers: what one sends the
 * other receives (in a later microtask, as over a network), close and abort carry over. No
 * back-pressure: a send never waits.
 */
export function framedPair(
	options?: FrameOptions & {
		/** The peer ids of the two ends, [first, second]: each end's `remotePeer` is the other's. */
		peers?: [string, string];
	}
): [FramedStream, FramedStream] {
	const ends: FrameChannel[] = [];
	let reset = false;
	const wire = (self: number): Wire => {
		const other = () => ends[1 - self];
		let closed = false;
		return {
			async write(bytes) {
				if (closed || reset) throw new Error(`The stream is ${reset ? 'reset' : 'closed for writing'}.`);
				queueMicrotask(() => other().receive(bytes));
			},
			async end() {
				if (closed || reset) return;
				closed = true;
				queueMicrotask(() => other().receiveEnd());
			},
			abort() {
				if (reset) return;
				reset = true;
				queueMicrotask(() => other().receiveError(new Error('The other end reset the stream.')));
			},
			pause() {},
			resume() {}
		};
	};
	ends.push(new FrameChannel(wire(0), { ...options, remotePeer: options?.peers?.[1] }));
	ends.push(new FrameChannel(wire(1), { ...options, remotePeer: options?.peers?.[0] }));
	return [ends[0], ends[1]];
}
