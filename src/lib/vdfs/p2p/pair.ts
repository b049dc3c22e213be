import type { DeviceInfo, LibraryId, PairingWelcome } from '../api';
import type { VdfsErrorCode } from '../errors';
import { isUuid } from '../ids';
import { FrameError, type FrameMessage, type FramedStream } from './frame';

/**
 * `/orrery/pair/1` (DESIGN.md §6). Device A (inviter) shows a link with its peer id, relay, an
 * invite id and a one-time 128-bit secret S. Device B (joiner) dials A; both prove they know S
 * with an HMAC over a transcript of both peer ids (taken from the noise-authenticated connection,
 * never from a message) and fresh nonces, so a proof cannot be replayed on another connection.
 * Then B sends its device, A stores it and answers with its device, the library and its members.
 *
 *     J→I pair-hello {invite, nonce}            I→J pair-challenge {nonce, proof_I}
 *     J→I pair-proof {proof_J, device}          I→J pair-welcome {device, library, members}
 *     J→I pair-done                             (either side may send {type:'error', code} instead)
 *
 * A joiner reveals its device only to an inviter that proved S, and the inviter reveals the
 * library only to a joiner that proved S.
 */

export const PAIR_PROTOCOL = '/orrery/pair/1';
/** @default 10 s */
export const PAIR_STEP_TIMEOUT_MS = 10_000;
/** The app allows names of 200 characters (libraries.ts, devices.ts); pairing must carry them. */
const MAX_NAME = 200;
const MAX_PLATFORM = 500;
const MAX_MEMBERS = 1000;
const PEER_ID = /^[1-9A-HJ-NP-Za-km-z]{20,100}$/;
const INVITE_ID = /^[0-9a-f]{16}$/;

/** The codes a pairing ends with: VdfsError codes, so the UI reads them like any other. */
export const PAIRING_ERROR_CODES = [
	'PairingUnknown',
	'PairingExpired',
	'PairingUsed',
	'PairingWrongSecret',
	'PairingBadLink',
	'PairingMalformed',
	/** The other device stopped answering or dropped the connection mid-way. */
	'PeerUnreachable'
] as const satisfies readonly VdfsErrorCode[];

export type PairingErrorCode = (typeof PAIRING_ERROR_CODES)[number];

const CODES: readonly string[] = PAIRING_ERROR_CODES;

export class PairingError extends Error {
	override readonly name = 'PairingError';
	constructor(
		readonly code: PairingErrorCode,
		message: string
	) {
		super(message);
	}
}

/**
 * What the joiner's person reads for each refusal. "the other device" is lowercase where it can
 * be, so a caller can put the device's name in its place.
 */
const FOR_JOINER: Record<PairingErrorCode, string> = {
	PairingUnknown: 'This invite is not known on the other device: it may have been cancelled. Ask for a new link there.',
	PairingExpired: 'This invite has expired: ask for a new one on the other device.',
	PairingUsed: 'This invite was already used (each link adds one device): ask for a new one on the other device.',
	PairingWrongSecret:
		'The other device did not accept this link: it may be mistyped, altered or meant for another device.',
	PairingBadLink: 'This pairing link is damaged: copy the whole link again from the other device.',
	PairingMalformed:
		'Pairing failed because the other device sent something Orrery cannot read: make sure both devices run the same version of Orrery.',
	PeerUnreachable:
		'Pairing stopped because the other device stopped answering: check that it is online with Orrery open, then try again.'
};

/** What the inviter's person reads (in logs and the "Add device" panel). */
const FOR_INVITER: Partial<Record<PairingErrorCode, string>> = {
	PairingWrongSecret:
		'A device tried to pair with a wrong secret: the link it used may be mistyped or altered. Nothing was shared with it.',
	PairingMalformed:
		'Pairing failed because the other device sent something Orrery cannot read: make sure both devices run the same version of Orrery.',
	PeerUnreachable:
		'Pairing stopped because the other device stopped answering or went offline. Nothing was shared with it.'
};

// ---- messages (type aliases, not interfaces: a frame message needs an index signature)

export type PairHello = { type: 'pair-hello'; invite: string; nonce: string };
export type PairChallenge = { type: 'pair-challenge'; nonce: string; proof: string };
export type PairProof = { type: 'pair-proof'; proof: string; device: DeviceInfo };
export type PairWelcome = {
	type: 'pair-welcome';
	device: DeviceInfo;
	library: PairingWelcome['library'];
	members: DeviceInfo[];
};
export type PairDone = { type: 'pair-done' };
export type PairRefusal = { type: 'error'; code: PairingErrorCode; message: string };
export type PairMessage = PairHello | PairChallenge | PairProof | PairWelcome | PairDone | PairRefusal;

export interface PairOptions {
	/** This device's peer id (the node's own). */
	localPeerId: string;
	/** The authenticated peer at the other end (`connection.remotePeer`); else `stream.remotePeer`. */
	remotePeerId?: string;
	/**
	 * How long to wait for each message of the other device.
	 * @default 10 s
	 */
	stepTimeoutMs?: number;
	signal?: AbortSignal;
}

export interface InviterContext extends PairOptions {
	/** The secret of a usable invite, or a PairingError PairingUnknown / PairingExpired / PairingUsed. */
	lookupInvite(invite: string): Promise<{ secret: Uint8Array }> | { secret: Uint8Array };
	/**
	 * The joiner proved the secret: consume the invite and store its device in one step (throw
	 * PairingError PairingUsed when a concurrent joiner won). Returns what the joiner receives.
	 */
	accept(device: DeviceInfo, joinerPeerId: string): Promise<PairingWelcome> | PairingWelcome;
	/** A wrong proof was received, e.g. to burn the invite after a few. */
	onFailure?(code: 'PairingWrongSecret'): Promise<void> | void;
}

export interface JoinerContext extends PairOptions {
	invite: string;
	/** The 16 bytes of the link's secret. */
	secret: Uint8Array;
	/** This device, as the inviter will store it. */
	device: DeviceInfo;
	/** Store the inviter's library and devices; done before the inviter is told pairing finished. */
	accept(device: DeviceInfo, library: PairingWelcome['library'], members: DeviceInfo[]): Promise<void> | void;
}

// ---- base64url

export function bytesToBase64Url(bytes: Uint8Array): string {
	let bin = '';
	for (const b of bytes) bin += String.fromCharCode(b);
	return btoa(bin).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

/** Strict: null for anything but canonical unpadded base64url. */
export function base64UrlToBytes(text: string): Uint8Array | null {
	if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return null;
	const b64 = text.replaceAll('-', '+').replaceAll('_', '/');
	let bytes: Uint8Array;
	try {
		bytes = Uint8Array.from(atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4)), (c) => c.charCodeAt(0));
	} catch {
		return null;
	}
	// Unused low bits in the last character would let two strings mean the same bytes.
	return bytesToBase64Url(bytes) === text ? bytes : null;
}

/** 16 random bytes: the one-time secret of an invite. */
export function newInviteSecret(): Uint8Array {
	return crypto.getRandomValues(new Uint8Array(16));
}

// ---- proofs

type Role = 'inviter' | 'joiner';

interface Transcript {
	invite: string;
	inviterPeerId: string;
	joinerPeerId: string;
	nonceJ: string;
	nonceI: string;
}

function transcript(role: Role, t: Transcript): Uint8Array<ArrayBuffer> {
	return new TextEncoder().encode(
		['orrery-pair-v1', role, t.invite, t.inviterPeerId, t.joinerPeerId, t.nonceJ, t.nonceI].join('\n')
	);
}

function hmacKey(secret: Uint8Array): Promise<CryptoKey> {
	return crypto.subtle.importKey('raw', new Uint8Array(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [
		'sign',
		'verify'
	]);
}

async function prove(key: CryptoKey, role: Role, t: Transcript): Promise<string> {
	return bytesToBase64Url(new Uint8Array(await crypto.subtle.sign('HMAC', key, transcript(role, t))));
}

/** subtle.verify compares in constant time. */
function verify(key: CryptoKey, role: Role, t: Transcript, proof: Uint8Array): Promise<boolean> {
	return crypto.subtle.verify('HMAC', key, new Uint8Array(proof), transcript(role, t));
}

function nonce(): string {
	return bytesToBase64Url(crypto.getRandomValues(new Uint8Array(16)));
}

// ---- checks on what the other device sends

function malformed(what: string): PairingError {
	return new PairingError('PairingMalformed', `${FOR_JOINER.PairingMalformed} (${what})`);
}

function bytesField(msg: FrameMessage, field: string, length: number): Uint8Array {
	const value = msg[field];
	const bytes = typeof value === 'string' ? base64UrlToBytes(value) : null;
	if (!bytes || bytes.byteLength !== length) throw malformed(`${msg.type}.${field}`);
	return bytes;
}

function name(v: unknown, max: number): string | null {
	return typeof v === 'string' && v.trim().length > 0 && v.length <= max ? v.trim() : null;
}

/** A device description from the other device, rebuilt field by field. */
function checkDevice(v: unknown, what = 'device'): DeviceInfo {
	const d = (typeof v === 'object' && v !== null ? v : {}) as Record<string, unknown>;
	const deviceName = name(d.name, MAX_NAME);
	if (
		!isUuid(d.id) ||
		deviceName === null ||
		typeof d.platform !== 'string' ||
		d.platform.length > MAX_PLATFORM ||
		typeof d.peerId !== 'string' ||
		!PEER_ID.test(d.peerId)
	) {
		throw malformed(what);
	}
	return { id: d.id as DeviceInfo['id'], name: deviceName, platform: d.platform, peerId: d.peerId };
}

function checkWelcome(msg: FrameMessage, inviterPeerId: string): PairingWelcome {
	const device = checkDevice(msg.device);
	if (device.peerId !== inviterPeerId) throw malformed('the device is not the one connected');
	const lib = (typeof msg.library === 'object' && msg.library !== null ? msg.library : {}) as Record<string, unknown>;
	const libraryName = name(lib.name, MAX_NAME);
	if (!isUuid(lib.id) || libraryName === null) throw malformed('library');
	if (!Array.isArray(msg.members) || msg.members.length > MAX_MEMBERS) throw malformed('members');
	const members = msg.members.map((m: unknown) => checkDevice(m, 'member'));
	return { device, library: { id: lib.id as LibraryId, name: libraryName }, members };
}

// ---- one conversation

/** How a failure ends the stream when no refusal is to be sent: after a refusal, or a broken link. */
const ending = new WeakMap<Error, 'close' | 'abort'>();

class Conversation {
	readonly local: string;
	readonly remote: string;
	#timeoutMs: number;

	constructor(
		readonly stream: FramedStream,
		readonly role: Role,
		private readonly options: PairOptions
	) {
		const remote = options.remotePeerId ?? stream.remotePeer;
		if (!remote) throw new TypeError('Pairing needs the remote peer id of the authenticated connection.');
		this.local = options.localPeerId;
		this.remote = remote;
		this.#timeoutMs = options.stepTimeoutMs ?? PAIR_STEP_TIMEOUT_MS;
	}

	async send(message: PairMessage): Promise<void> {
		try {
			await this.stream.send(message, undefined, { signal: this.options.signal });
		} catch (e) {
			throw this.#transportError(e);
		}
	}

	/** The next message, which must be of `type`; the other side's refusal becomes a PairingError. */
	async expect(type: PairMessage['type']): Promise<FrameMessage> {
		let frame;
		try {
			frame = await this.stream.next({ timeoutMs: this.#timeoutMs, signal: this.options.signal });
		} catch (e) {
			throw this.#transportError(e);
		}
		if (!frame) throw this.#unreachable('it closed the connection');
		const msg = frame.message;
		if (msg.type === 'error') {
			const code = CODES.includes(msg.code as string) ? (msg.code as PairingErrorCode) : 'PairingMalformed';
			const err = new PairingError(code, this.#messageFor(code));
			ending.set(err, 'close');
			throw err;
		}
		if (msg.type !== type) throw malformed(`expected ${type}, got ${msg.type.slice(0, 40)}`);
		return msg;
	}

	/** Ends our side gracefully; a stream that cannot be closed in time is aborted. */
	async end(): Promise<void> {
		try {
			await this.stream.close({ signal: AbortSignal.timeout(this.#timeoutMs) });
		} catch (e) {
			this.stream.abort(e instanceof Error ? e : new Error(String(e)));
		}
	}

	/**
	 * Runs the steps. On a failure of ours the other device is told why (an error frame) before
	 * the stream ends; after its refusal or a broken link the stream just ends.
	 */
	async run<T>(steps: () => Promise<T>): Promise<T> {
		try {
			return await steps();
		} catch (e) {
			const how = e instanceof PairingError ? (ending.get(e) ?? 'refuse') : 'abort';
			if (how === 'refuse') await this.#refuse(e as PairingError);
			else if (how === 'close') await this.end();
			else this.stream.abort(e instanceof Error ? e : new Error(String(e)));
			throw e;
		}
	}

	async #refuse(err: PairingError): Promise<void> {
		try {
			await this.stream.send({ type: 'error', code: err.code, message: FOR_JOINER[err.code] } satisfies PairRefusal);
		} catch {
			// The link is gone: nobody to tell.
		}
		await this.end();
	}

	#messageFor(code: PairingErrorCode): string {
		return this.role === 'joiner' ? FOR_JOINER[code] : (FOR_INVITER[code] ?? FOR_JOINER[code]);
	}

	#unreachable(why: string): PairingError {
		const err = new PairingError('PeerUnreachable', `${this.#messageFor('PeerUnreachable')} (${why})`);
		ending.set(err, 'abort');
		return err;
	}

	#transportError(e: unknown): unknown {
		if (this.options.signal?.aborted) return e;
		if (e instanceof FrameError && e.code === 'Timeout') {
			return this.#unreachable(`nothing came for ${this.#timeoutMs / 1000} s`);
		}
		if (e instanceof FrameError) {
			// framed() has already aborted the stream: no refusal can be sent.
			const err = malformed(e.message);
			ending.set(err, 'abort');
			return err;
		}
		return this.#unreachable(e instanceof Error ? e.message : String(e));
	}
}

/**
 * The inviter's side, run by the `/orrery/pair/1` handler. Resolves with the joiner's device once
 * both devices have stored the pairing; rejects with a PairingError (the joiner is told why).
 */
export async function pairAsInviter(
	stream: FramedStream,
	ctx: InviterContext
): Promise<{ device: DeviceInfo; peerId: string }> {
	const c = new Conversation(stream, 'inviter', ctx);
	return c.run(async () => {
		const hello = await c.expect('pair-hello');
		if (typeof hello.invite !== 'string' || !INVITE_ID.test(hello.invite)) throw malformed('pair-hello.invite');
		bytesField(hello, 'nonce', 16);
		const { secret } = await ctx.lookupInvite(hello.invite);
		if (!(secret instanceof Uint8Array) || secret.byteLength !== 16) {
			throw new TypeError('lookupInvite must give the 16 bytes of the secret.');
		}
		const key = await hmacKey(secret);
		const t: Transcript = {
			invite: hello.invite,
			inviterPeerId: c.local,
			joinerPeerId: c.remote,
			nonceJ: hello.nonce as string,
			nonceI: nonce()
		};
		await c.send({ type: 'pair-challenge', nonce: t.nonceI, proof: await prove(key, 'inviter', t) });

		const answer = await c.expect('pair-proof');
		const proof = bytesField(answer, 'proof', 32);
		if (!(await verify(key, 'joiner', t, proof))) {
			await ctx.onFailure?.('PairingWrongSecret');
			throw new PairingError('PairingWrongSecret', FOR_INVITER.PairingWrongSecret!);
		}
		const device = checkDevice(answer.device);
		if (device.peerId !== c.remote) throw malformed('the device is not the one connected');

		const welcome = await ctx.accept(device, c.remote);
		await c.send({ type: 'pair-welcome', device: welcome.device, library: welcome.library, members: welcome.members });
		await c.expect('pair-done');
		await c.end();
		return { device, peerId: c.remote };
	});
}

/**
 * The joiner's side, on a stream it opened to the inviter. Resolves with the inviter's device,
 * library and members once `ctx.accept` stored them; rejects with a PairingError.
 */
export async function pairAsJoiner(stream: FramedStream, ctx: JoinerContext): Promise<PairingWelcome> {
	if (!INVITE_ID.test(ctx.invite) || ctx.secret.byteLength !== 16) {
		throw new PairingError('PairingBadLink', FOR_JOINER.PairingBadLink);
	}
	if (ctx.device.peerId !== ctx.localPeerId) throw new TypeError('The device to pair must carry this node’s peer id.');
	const c = new Conversation(stream, 'joiner', ctx);
	return c.run(async () => {
		const nonceJ = nonce();
		await c.send({ type: 'pair-hello', invite: ctx.invite, nonce: nonceJ });

		const challenge = await c.expect('pair-challenge');
		bytesField(challenge, 'nonce', 16);
		const proof = bytesField(challenge, 'proof', 32);
		const t: Transcript = {
			invite: ctx.invite,
			inviterPeerId: c.remote,
			joinerPeerId: c.local,
			nonceJ,
			nonceI: challenge.nonce as string
		};
		const key = await hmacKey(ctx.secret);
		if (!(await verify(key, 'inviter', t, proof))) {
			throw new PairingError('PairingWrongSecret', FOR_JOINER.PairingWrongSecret);
		}
		await c.send({ type: 'pair-proof', proof: await prove(key, 'joiner', t), device: ctx.device });

		const welcome = checkWelcome(await c.expect('pair-welcome'), c.remote);
		await ctx.accept(welcome.device, welcome.library, welcome.members);
		await c.send({ type: 'pair-done' });
		await c.end();
		return welcome;
	});
}

// ---- invite links

/** What a pairing link carries. Everything sits in the URL fragment, which browsers never send. */
export interface InviteLink {
	/** The inviter's peer id: the joiner dials it, and noise proves it. */
	peerId: string;
	/** Relay addresses where the inviter holds a reservation. */
	relay: string[];
	/** 16 hex digits (64 random bits). */
	invite: string;
	/** The 16 secret bytes, base64url. */
	secret: string;
	libraryName: string;
	deviceName: string;
	/** Unix ms. Decoding does not refuse an expired link: the caller says so with the names. */
	expiresAt: number;
}

const LINK_VERSION = '1';
const MAX_RELAYS = 8;
const MAX_RELAY_LENGTH = 1000;

function badLinkField(link: InviteLink): string | null {
	if (typeof link.peerId !== 'string' || !PEER_ID.test(link.peerId)) return 'peer id';
	if (
		!Array.isArray(link.relay) ||
		link.relay.length === 0 ||
		link.relay.length > MAX_RELAYS ||
		!link.relay.every((r) => typeof r === 'string' && r.startsWith('/') && r.length <= MAX_RELAY_LENGTH)
	) {
		return 'relay';
	}
	if (typeof link.invite !== 'string' || !INVITE_ID.test(link.invite)) return 'invite';
	if (typeof link.secret !== 'string' || base64UrlToBytes(link.secret)?.byteLength !== 16) return 'secret';
	if (name(link.libraryName, MAX_NAME) !== link.libraryName) return 'library name';
	if (name(link.deviceName, MAX_NAME) !== link.deviceName) return 'device name';
	if (!Number.isSafeInteger(link.expiresAt) || link.expiresAt <= 0) return 'expiry';
	return null;
}

let crcTable: Uint32Array | null = null;

/** CRC-32 (IEEE): catches a cut or mistyped link; the proofs, not this, stop a forged one. */
function crc32(bytes: Uint8Array): number {
	if (!crcTable) {
		crcTable = new Uint32Array(256);
		for (let n = 0; n < 256; n++) {
			let c = n;
			for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
			crcTable[n] = c >>> 0;
		}
	}
	let crc = 0xffffffff;
	for (const b of bytes) crc = crcTable[(crc ^ b) & 0xff] ^ (crc >>> 8);
	return (crc ^ 0xffffffff) >>> 0;
}

/** Over the decoded values, so a link re-encoded by a chat app on the way still checks. */
function checksum(link: InviteLink): string {
	const canonical = JSON.stringify([
		LINK_VERSION,
		link.peerId,
		link.relay,
		link.invite,
		link.secret,
		link.expiresAt,
		link.deviceName,
		link.libraryName
	]);
	return crc32(new TextEncoder().encode(canonical)).toString(16).padStart(8, '0');
}

/**
 * `${baseUrl}/pair#v=1&p=…&r=…&i=…&s=…&e=…&d=…&l=…&c=…`: URL-encoded so the link stays
 * readable and short for a QR code; the checksum goes last, so a cut link has none.
 */
export function encodeInviteLink(
	baseUrl: string,
	link: Omit<InviteLink, 'secret'> & { secret: string | Uint8Array }
): string {
	const full: InviteLink = {
		...link,
		libraryName: String(link.libraryName).trim(),
		deviceName: String(link.deviceName).trim(),
		secret: typeof link.secret === 'string' ? link.secret : bytesToBase64Url(link.secret)
	};
	const bad = badLinkField(full);
	if (bad) throw new TypeError(`An invite link cannot be made with this ${bad}.`);
	const params = new URLSearchParams({ v: LINK_VERSION, p: full.peerId });
	for (const r of full.relay) params.append('r', r);
	params.append('i', full.invite);
	params.append('s', full.secret);
	params.append('e', String(full.expiresAt));
	params.append('d', full.deviceName);
	params.append('l', full.libraryName);
	params.append('c', checksum(full));
	return `${baseUrl.replace(/\/+$/, '')}/pair#${params.toString()}`;
}

function badLink(message: string): PairingError {
	return new PairingError('PairingBadLink', message);
}

/** Reads a pasted link: the whole URL or just its fragment (with or without the `#`). */
export function decodeInviteLink(urlOrFragment: string): InviteLink {
	// A link wrapped over lines by a chat app: its encoding has no raw whitespace of its own.
	let text = String(urlOrFragment)
		.trim()
		.replace(/[\r\n]+/g, '');
	const hash = text.indexOf('#');
	if (hash >= 0) text = text.slice(hash + 1);
	const params = new URLSearchParams(text);
	const version = params.get('v');
	if (!version || !params.has('p')) {
		throw badLink(
			'This is not an Orrery pairing link: on the other device, open “Add device” and copy the whole link.'
		);
	}
	if (version !== LINK_VERSION) {
		throw badLink(
			/^\d+$/.test(version) && Number(version) > Number(LINK_VERSION)
				? 'This link was made by a newer version of Orrery: update Orrery on this device, then open it again.'
				: 'This pairing link is damaged: copy the whole link again from the other device.'
		);
	}
	const c = params.get('c');
	if (!c) throw badLink('This link is incomplete: copy the whole link again from the other device.');
	const expires = params.get('e') ?? '';
	const link: InviteLink = {
		peerId: params.get('p') ?? '',
		relay: params.getAll('r'),
		invite: params.get('i') ?? '',
		secret: params.get('s') ?? '',
		libraryName: params.get('l') ?? '',
		deviceName: params.get('d') ?? '',
		expiresAt: /^\d{1,15}$/.test(expires) ? Number(expires) : NaN
	};
	if (checksum(link) !== c) {
		throw badLink('This link was altered or cut short: copy the whole link again from the other device.');
	}
	const bad = badLinkField(link);
	if (bad) throw badLink(`This pairing link is damaged (its ${bad}): ask the other device for a new one.`);
	return link;
}
