// The /orrery/pair/1 handshake: in memory (framedPair), against hand-driven peers whose proofs
// are computed here with node:crypto (an independent HMAC), and over real libp2p streams:
//   unshare -n sh -c 'ip link set lo up; npx vitest run tests/unit/pair.test.ts'
import fc from 'fast-check';
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeviceInfo, LibraryId, PairingWelcome } from '../../src/lib/vdfs/api';
import { framed, framedPair, type FramedStream } from '../../src/lib/vdfs/p2p/frame';
import {
	PAIR_PROTOCOL,
	PairingError,
	base64UrlToBytes,
	bytesToBase64Url,
	decodeInviteLink,
	encodeInviteLink,
	newInviteSecret,
	pairAsInviter,
	pairAsJoiner,
	type InviteLink,
	type InviterContext,
	type JoinerContext,
	type PairingErrorCode
} from '../../src/lib/vdfs/p2p/pair';
import { twoNodes, type NodePair } from './p2p-nodes';

/** A peer id string of the right alphabet (base58btc: no 0, O, I or l) for in-memory runs. */
const fakePeer = (word: string) => `12D3KooW${word.repeat(44).slice(0, 44)}`;
const INVITER = fakePeer('inviter');
const JOINER = fakePeer('joiner');
const INVITE = '0123456789abcdef';

function device(peerId: string, name: string): DeviceInfo {
	return { id: crypto.randomUUID() as DeviceInfo['id'], name, platform: 'Linux x86_64', peerId };
}

const library = { id: crypto.randomUUID() as LibraryId, name: 'Family photos' };

/** An inviter's invite table: one invite, consumed atomically by the first joiner that proves S. */
function inviterSide(secret: Uint8Array, overrides: Partial<InviterContext> = {}) {
	const me = device(overrides.localPeerId ?? INVITER, 'Laptop');
	const other = device(fakePeer('phone'), 'Phone');
	const log = { failures: [] as string[], stored: [] as DeviceInfo[], used: false };
	const ctx: InviterContext = {
		localPeerId: INVITER,
		remotePeerId: JOINER,
		lookupInvite: (id) => {
			if (id !== INVITE) throw new PairingError('PairingUnknown', 'No such invite here.');
			return { secret };
		},
		accept: async (d) => {
			await new Promise((r) => setTimeout(r, 5));
			if (log.used) throw new PairingError('PairingUsed', 'Used already.');
			log.used = true;
			log.stored.push(d);
			return { device: me, library, members: [me, other] };
		},
		onFailure: (code) => {
			log.failures.push(code);
		},
		...overrides
	};
	return { ctx, me, other, log };
}

function joinerSide(secret: Uint8Array, overrides: Partial<JoinerContext> = {}) {
	const me = device(JOINER, 'Desktop');
	const stored: PairingWelcome[] = [];
	const ctx: JoinerContext = {
		localPeerId: JOINER,
		remotePeerId: INVITER,
		invite: INVITE,
		secret,
		device: me,
		accept: (d, lib, members) => {
			stored.push({ device: d, library: lib, members });
		},
		...overrides
	};
	return { ctx, me, stored };
}

/** Settles both sides; never leaves a rejection unhandled. */
async function both<A, B>(a: Promise<A>, b: Promise<B>) {
	const [ra, rb] = await Promise.allSettled([a, b]);
	return { inviter: ra, joiner: rb };
}

function codeOf(r: PromiseSettledResult<unknown>): PairingErrorCode | 'ok' | string {
	if (r.status === 'fulfilled') return 'ok';
	return r.reason instanceof PairingError ? r.reason.code : `other: ${String(r.reason)}`;
}

function messageOf(r: PromiseSettledResult<unknown>): string {
	return r.status === 'rejected' ? (r.reason as Error).message : '';
}

/** The proof as the spec defines it, computed with node:crypto rather than WebCrypto. */
function specProof(secret: Uint8Array, role: string, nonceJ: string, nonceI: string, ids = [INVITER, JOINER]) {
	const text = ['orrery-pair-v1', role, INVITE, ids[0], ids[1], nonceJ, nonceI].join('\n');
	return createHmac('sha256', secret).update(text, 'utf8').digest().toString('base64url');
}

const nonce16 = () => bytesToBase64Url(crypto.getRandomValues(new Uint8Array(16)));

describe('pairing in memory', () => {
	it('pairs: the inviter gets the joiner’s device, the joiner the inviter’s device, library and members', async () => {
		const secret = newInviteSecret();
		const inv = inviterSide(secret);
		const join = joinerSide(secret);
		const [a, b] = framedPair();
		const r = await both(pairAsInviter(a, inv.ctx), pairAsJoiner(b, join.ctx));
		expect(r.inviter).toEqual({ status: 'fulfilled', value: { device: join.me, peerId: JOINER } });
		expect(r.joiner).toEqual({ status: 'fulfilled', value: { device: inv.me, library, members: [inv.me, inv.other] } });
		expect(inv.log.stored).toEqual([join.me]);
		expect(join.stored).toEqual([{ device: inv.me, library, members: [inv.me, inv.other] }]);
		expect(inv.log.failures).toEqual([]);
		// Both ended cleanly.
		expect(await a.next()).toBeNull();
		expect(await b.next()).toBeNull();
	});

	it('refuses a wrong secret on both sides with PairingWrongSecret, sharing nothing', async () => {
		const inv = inviterSide(newInviteSecret());
		const join = joinerSide(newInviteSecret());
		const [a, b] = framedPair();
		const r = await both(pairAsInviter(a, inv.ctx), pairAsJoiner(b, join.ctx));
		expect([codeOf(r.inviter), codeOf(r.joiner)]).toEqual(['PairingWrongSecret', 'PairingWrongSecret']);
		expect(messageOf(r.joiner)).toBe(
			'The other device did not accept this link: it may be mistyped, altered or meant for another device.'
		);
		expect(inv.log.stored).toEqual([]);
		expect(join.stored).toEqual([]);
	});

	it('binds the proofs to both peer ids of the connection: a mismatch fails like a wrong secret', async () => {
		const secret = newInviteSecret();
		// The inviter sees a different peer than the joiner is (e.g. someone relaying in between).
		const inv = inviterSide(secret, { remotePeerId: fakePeer('mitm') });
		const join = joinerSide(secret);
		const [a, b] = framedPair();
		const r = await both(pairAsInviter(a, inv.ctx), pairAsJoiner(b, join.ctx));
		expect([codeOf(r.inviter), codeOf(r.joiner)]).toEqual(['PairingWrongSecret', 'PairingWrongSecret']);
		expect(inv.log.stored).toEqual([]);
	});

	it('counts a wrong proof from a joiner that accepted the inviter’s proof (onFailure, error frame)', async () => {
		const secret = newInviteSecret();
		const inv = inviterSide(secret);
		const [a, peer] = framedPair();
		const inviter = pairAsInviter(a, inv.ctx);
		const nonceJ = nonce16();
		await peer.send({ type: 'pair-hello', invite: INVITE, nonce: nonceJ });
		const challenge = (await peer.next())!.message;
		// The inviter's proof matches the spec's transcript, computed independently.
		expect(challenge.proof).toBe(specProof(secret, 'inviter', nonceJ, challenge.nonce as string));
		await peer.send({
			type: 'pair-proof',
			proof: bytesToBase64Url(crypto.getRandomValues(new Uint8Array(32))),
			device: device(JOINER, 'X')
		});
		const r = await both(inviter, Promise.resolve());
		expect(codeOf(r.inviter)).toBe('PairingWrongSecret');
		expect(inv.log.failures).toEqual(['PairingWrongSecret']);
		expect((await peer.next())?.message).toMatchObject({ type: 'error', code: 'PairingWrongSecret' });
		expect(inv.log.stored).toEqual([]);
	});

	it('accepts a joiner whose proof is computed from the spec with another HMAC implementation', async () => {
		const secret = newInviteSecret();
		const inv = inviterSide(secret);
		const [a, peer] = framedPair();
		const inviter = pairAsInviter(a, inv.ctx);
		const nonceJ = nonce16();
		await peer.send({ type: 'pair-hello', invite: INVITE, nonce: nonceJ });
		const { nonce: nonceI } = (await peer.next())!.message;
		const me = device(JOINER, 'Hand-made');
		await peer.send({ type: 'pair-proof', proof: specProof(secret, 'joiner', nonceJ, nonceI as string), device: me });
		expect((await peer.next())?.message.type).toBe('pair-welcome');
		await peer.send({ type: 'pair-done' });
		expect(await inviter).toEqual({ device: me, peerId: JOINER });
	});

	for (const code of ['PairingExpired', 'PairingUsed', 'PairingUnknown'] as const) {
		it(`refuses an invite the inviter reports as ${code}, sending the code to the joiner`, async () => {
			const secret = newInviteSecret();
			const inv = inviterSide(secret, {
				lookupInvite: () => {
					throw new PairingError(code, 'Told on the inviter.');
				}
			});
			const join = joinerSide(secret);
			const [a, b] = framedPair();
			const r = await both(pairAsInviter(a, inv.ctx), pairAsJoiner(b, join.ctx));
			expect([codeOf(r.inviter), codeOf(r.joiner)]).toEqual([code, code]);
			// The inviter keeps its own words; the joiner gets words written for its person.
			expect(messageOf(r.inviter)).toBe('Told on the inviter.');
			expect(messageOf(r.joiner)).toMatch(/the other device/);
			expect(join.stored).toEqual([]);
		});
	}

	it('says an expired invite in words a person can act on', async () => {
		const secret = newInviteSecret();
		const inv = inviterSide(secret, {
			lookupInvite: () => {
				throw new PairingError('PairingExpired', 'expired');
			}
		});
		const [a, b] = framedPair();
		const r = await both(pairAsInviter(a, inv.ctx), pairAsJoiner(b, joinerSide(secret).ctx));
		expect(messageOf(r.joiner)).toBe('This invite has expired: ask for a new one on the other device.');
	});

	it('lets one of two concurrent joiners of the same link in; the other gets PairingUsed', async () => {
		const secret = newInviteSecret();
		const inv = inviterSide(secret);
		const second = fakePeer('second');
		const [a1, b1] = framedPair();
		const [a2, b2] = framedPair();
		const j1 = joinerSide(secret);
		const j2 = joinerSide(secret, { localPeerId: second, device: device(second, 'Tablet') });
		const runs = await Promise.allSettled([
			pairAsInviter(a1, inv.ctx),
			pairAsInviter(a2, { ...inv.ctx, remotePeerId: second }),
			pairAsJoiner(b1, j1.ctx),
			pairAsJoiner(b2, j2.ctx)
		]);
		const codes = runs.map(codeOf);
		// Each joiner ends as its inviter side does.
		expect(codes[2]).toBe(codes[0]);
		expect(codes[3]).toBe(codes[1]);
		expect([codes[0], codes[1]].sort()).toEqual(['PairingUsed', 'ok']);
		expect(inv.log.stored).toHaveLength(1);
		expect(j1.stored.length + j2.stored.length).toBe(1);
	});

	describe('malformed messages give PairingMalformed, and the other side is told', () => {
		/** Runs the inviter against a hand-driven joiner; returns its outcome and the frame it sent last. */
		async function againstInviter(script: (peer: FramedStream, secret: Uint8Array) => Promise<void>) {
			const secret = newInviteSecret();
			const inv = inviterSide(secret, { stepTimeoutMs: 2000 });
			const [a, peer] = framedPair();
			const inviter = pairAsInviter(a, inv.ctx);
			await script(peer, secret);
			const r = await both(inviter, Promise.resolve());
			let last;
			for (let f = await peer.next().catch(() => null); f; f = await peer.next().catch(() => null)) last = f.message;
			return { code: codeOf(r.inviter), last, stored: inv.log.stored };
		}

		async function proveAndSend(peer: FramedStream, secret: Uint8Array, deviceValue: unknown) {
			const nonceJ = nonce16();
			await peer.send({ type: 'pair-hello', invite: INVITE, nonce: nonceJ });
			const { nonce: nonceI } = (await peer.next())!.message;
			await peer.send({
				type: 'pair-proof',
				proof: specProof(secret, 'joiner', nonceJ, nonceI as string),
				device: deviceValue
			});
		}

		const inviterCases: [string, (peer: FramedStream, secret: Uint8Array) => Promise<void>][] = [
			['a proof before the hello (out of order)', (p) => p.send({ type: 'pair-proof', proof: 'x', device: {} })],
			['an unknown message type', (p) => p.send({ type: 'pair-hullo', invite: INVITE, nonce: nonce16() })],
			[
				'an invite id that is not 16 hex digits',
				(p) => p.send({ type: 'pair-hello', invite: 'ABC', nonce: nonce16() })
			],
			['a missing nonce', (p) => p.send({ type: 'pair-hello', invite: INVITE })],
			['a nonce of 8 bytes', (p) => p.send({ type: 'pair-hello', invite: INVITE, nonce: 'AAAAAAAAAAA' })],
			['a nonce that is a number', (p) => p.send({ type: 'pair-hello', invite: INVITE, nonce: 42 })],
			['a device with a bad uuid', (p, s) => proveAndSend(p, s, { ...device(JOINER, 'X'), id: 'not-a-uuid' })],
			['a device name of 201 characters', (p, s) => proveAndSend(p, s, device(JOINER, 'n'.repeat(201)))],
			['a device that is a string', (p, s) => proveAndSend(p, s, 'Desktop')],
			['a device with another peer id', (p, s) => proveAndSend(p, s, device(INVITER, 'Impostor'))],
			['an unknown error code', (p) => p.send({ type: 'error', code: 'Nope', message: 'x' })]
		];
		for (const [what, script] of inviterCases) {
			it(`inviter: ${what}`, async () => {
				const { code, last, stored } = await againstInviter(script);
				expect(code).toBe('PairingMalformed');
				if (what !== 'an unknown error code') expect(last).toMatchObject({ type: 'error', code: 'PairingMalformed' });
				expect(stored).toEqual([]);
			});
		}

		/** Runs the joiner against a hand-driven inviter that answers the hello with `reply`. */
		async function againstJoiner(
			reply: (hello: Record<string, unknown>, secret: Uint8Array) => Record<string, unknown>,
			welcome?: (me: DeviceInfo) => Record<string, unknown>
		) {
			const secret = newInviteSecret();
			const join = joinerSide(secret, { stepTimeoutMs: 2000 });
			const [peer, b] = framedPair();
			const joiner = pairAsJoiner(b, join.ctx);
			const hello = (await peer.next())!.message;
			await peer.send(reply(hello, secret) as { type: string });
			if (welcome) {
				const proof = await peer.next();
				expect(proof?.message.type).toBe('pair-proof');
				await peer.send(welcome(device(INVITER, 'Laptop')) as { type: string });
			}
			const r = await both(Promise.resolve(), joiner);
			let last;
			for (let f = await peer.next().catch(() => null); f; f = await peer.next().catch(() => null)) last = f.message;
			return { code: codeOf(r.joiner), last, stored: join.stored };
		}

		const challenge = (hello: Record<string, unknown>, secret: Uint8Array) => {
			const nonceI = nonce16();
			return {
				type: 'pair-challenge',
				nonce: nonceI,
				proof: specProof(secret, 'inviter', hello.nonce as string, nonceI)
			};
		};

		it('joiner: a welcome before the challenge (out of order)', async () => {
			const r = await againstJoiner(() => ({ type: 'pair-welcome', device: {}, library, members: [] }));
			expect(r.code).toBe('PairingMalformed');
			expect(r.last).toMatchObject({ type: 'error', code: 'PairingMalformed' });
		});

		it('joiner: a proof that is not base64url', async () => {
			const r = await againstJoiner((h, s) => ({ ...challenge(h, s), proof: '!!not base64!!' }));
			expect(r.code).toBe('PairingMalformed');
		});

		const welcomes: [string, (me: DeviceInfo) => Record<string, unknown>][] = [
			['a library without an id', (me) => ({ type: 'pair-welcome', device: me, library: { name: 'L' }, members: [] })],
			[
				'a library name of 201 characters',
				(me) => ({ type: 'pair-welcome', device: me, library: { ...library, name: 'x'.repeat(201) }, members: [] })
			],
			['members that are not a list', (me) => ({ type: 'pair-welcome', device: me, library, members: 'all' })],
			[
				'a member without a peer id',
				(me) => ({ type: 'pair-welcome', device: me, library, members: [{ ...me, peerId: 5 }] })
			],
			[
				'a device that is not the connected peer',
				(me) => ({ type: 'pair-welcome', device: { ...me, peerId: JOINER }, library, members: [] })
			]
		];
		for (const [what, welcome] of welcomes) {
			it(`joiner: a welcome with ${what} is refused before anything is stored`, async () => {
				const r = await againstJoiner(challenge, welcome);
				expect(r.code).toBe('PairingMalformed');
				expect(r.last).toMatchObject({ type: 'error', code: 'PairingMalformed' });
				expect(r.stored).toEqual([]);
			});
		}

		it('joiner: a well-formed welcome from a hand-driven inviter is stored', async () => {
			const r = await againstJoiner(challenge, (me) => ({ type: 'pair-welcome', device: me, library, members: [me] }));
			expect(r.code).toBe('ok');
			expect(r.last).toEqual({ type: 'pair-done' });
			expect(r.stored).toHaveLength(1);
		});
	});

	it('times out a silent joiner on the inviter side (PeerUnreachable)', async () => {
		const inv = inviterSide(newInviteSecret(), { stepTimeoutMs: 100 });
		const [a] = framedPair();
		const t = Date.now();
		const r = await both(pairAsInviter(a, inv.ctx), Promise.resolve());
		expect(codeOf(r.inviter)).toBe('PeerUnreachable');
		expect(Date.now() - t).toBeLessThan(1000);
	});

	it('times out a silent inviter on the joiner side, after the hello (PeerUnreachable)', async () => {
		const join = joinerSide(newInviteSecret(), { stepTimeoutMs: 100 });
		const [peer, b] = framedPair();
		const r = await both(Promise.resolve(), pairAsJoiner(b, join.ctx));
		expect(codeOf(r.joiner)).toBe('PeerUnreachable');
		expect(messageOf(r.joiner)).toMatch(/stopped answering/);
		expect((await peer.next())?.message.type).toBe('pair-hello');
	});

	it('reports an inviter that hangs up mid-way as PeerUnreachable', async () => {
		const join = joinerSide(newInviteSecret());
		const [peer, b] = framedPair();
		const joiner = pairAsJoiner(b, join.ctx);
		await peer.next();
		await peer.close();
		const r = await both(Promise.resolve(), joiner);
		expect(codeOf(r.joiner)).toBe('PeerUnreachable');
	});

	it('stops when the caller aborts, with the abort reason', async () => {
		const ctrl = new AbortController();
		const join = joinerSide(newInviteSecret(), { signal: ctrl.signal });
		const [, b] = framedPair();
		const joiner = pairAsJoiner(b, join.ctx);
		ctrl.abort(new Error('user closed the dialog'));
		await expect(joiner).rejects.toThrow('user closed the dialog');
	});
});

describe('invite links', () => {
	const base: InviteLink = {
		peerId: INVITER,
		relay: [`/ip4/127.0.0.1/tcp/4401/ws/p2p/${fakePeer('hop')}/p2p-circuit`],
		invite: INVITE,
		secret: bytesToBase64Url(newInviteSecret()),
		libraryName: 'Photos & “Docs” #1 + 100% = ça 📷',
		deviceName: 'Zoé’s laptop',
		expiresAt: 1_760_000_000_000
	};

	it('round-trips through the fragment of <base>/pair, from a full URL or a bare fragment', () => {
		const url = encodeInviteLink('https://orrery.example/', base);
		expect(url.startsWith('https://orrery.example/pair#v=1&')).toBe(true);
		// The secret is only in the fragment, which browsers never send to a server.
		expect(new URL(url).search).toBe('');
		expect(new URL(url).hash).toContain(base.secret);
		const fragment = url.slice(url.indexOf('#'));
		expect(decodeInviteLink(url)).toEqual(base);
		expect(decodeInviteLink(fragment)).toEqual(base);
		expect(decodeInviteLink(fragment.slice(1))).toEqual(base);
		expect(decodeInviteLink(`  ${url.slice(0, 60)}\n${url.slice(60)}\n`)).toEqual(base);
		expect(url.length).toBeLessThan(400);
	});

	it('takes the secret as bytes too, and several relays', () => {
		const secret = newInviteSecret();
		const link = { ...base, secret, relay: [...base.relay, '/dns4/relay.example.com/tcp/443/wss'] };
		const decoded = decodeInviteLink(encodeInviteLink('http://127.0.0.1:5173', link));
		expect(base64UrlToBytes(decoded.secret)).toEqual(secret);
		expect(decoded.relay).toEqual(link.relay);
	});

	it('refuses every truncation of a link with PairingBadLink', () => {
		const url = encodeInviteLink('https://orrery.example', base);
		const start = url.indexOf('#') + 1;
		for (let end = start; end < url.length; end++) {
			let err: unknown = null;
			try {
				decodeInviteLink(url.slice(0, end));
			} catch (e) {
				err = e;
			}
			expect({ end, code: (err as PairingError | null)?.code }).toEqual({ end, code: 'PairingBadLink' });
		}
	});

	it('never decodes an altered link to different values: it refuses it or reads the same link', () => {
		const url = encodeInviteLink('https://orrery.example', base);
		const start = url.indexOf('#') + 1;
		const chars = 'abcdefABCDEF0123456789-_.%&=+~';
		fc.assert(
			fc.property(fc.integer({ min: start, max: url.length - 1 }), fc.constantFrom(...chars), (at, ch) => {
				const altered = url.slice(0, at) + ch + url.slice(at + 1);
				try {
					expect(decodeInviteLink(altered)).toEqual(base);
				} catch (e) {
					expect(e).toBeInstanceOf(PairingError);
					expect((e as PairingError).code).toBe('PairingBadLink');
				}
			}),
			{ numRuns: 500 }
		);
	});

	it('explains what is wrong with a pasted text that is no link, or a newer one', () => {
		const messageOfDecode = (text: string) => {
			try {
				decodeInviteLink(text);
				return 'decoded';
			} catch (e) {
				return `${(e as PairingError).code}: ${(e as Error).message}`;
			}
		};
		expect(messageOfDecode('')).toMatch(/^PairingBadLink: This is not an Orrery pairing link/);
		expect(messageOfDecode('https://orrery.example/pair')).toMatch(/not an Orrery pairing link/);
		expect(messageOfDecode('hello there')).toMatch(/not an Orrery pairing link/);
		const url = encodeInviteLink('https://orrery.example', base);
		expect(messageOfDecode(url.replace('#v=1', '#v=2'))).toMatch(/newer version of Orrery/);
		expect(messageOfDecode(url.slice(0, url.indexOf('&c=')))).toMatch(/incomplete/);
		expect(messageOfDecode(url.replace('Zo%C3%A9', 'Zoe'))).toMatch(/altered or cut short/);
	});

	it('refuses to make a link from bad values', () => {
		expect(() => encodeInviteLink('https://x', { ...base, invite: 'xyz' })).toThrow(TypeError);
		expect(() => encodeInviteLink('https://x', { ...base, relay: [] })).toThrow(TypeError);
		expect(() => encodeInviteLink('https://x', { ...base, secret: new Uint8Array(8) })).toThrow(TypeError);
		expect(() => encodeInviteLink('https://x', { ...base, deviceName: '' })).toThrow(TypeError);
	});
});

describe('pairing over real libp2p streams', () => {
	let nodes: NodePair;
	const inviterResults: PromiseSettledResult<unknown>[] = [];
	let secret = newInviteSecret();

	beforeAll(async () => {
		nodes = await twoNodes();
		await nodes.server.handle(
			PAIR_PROTOCOL,
			async (stream, connection) => {
				const inv = inviterSide(secret, {
					localPeerId: nodes.server.peerId.toString(),
					remotePeerId: connection.remotePeer.toString()
				});
				const s = framed(stream, { remotePeer: connection.remotePeer });
				const [r] = await Promise.allSettled([pairAsInviter(s, inv.ctx)]);
				inviterResults.push(r);
			},
			{ runOnLimitedConnection: true }
		);
	});

	afterAll(async () => {
		await nodes?.stop();
	});

	it('pairs two nodes, each taking the peer ids from the noise-authenticated connection', async () => {
		inviterResults.length = 0;
		secret = newInviteSecret();
		const joinerId = nodes.client.peerId.toString();
		const join = joinerSide(secret, {
			localPeerId: joinerId,
			remotePeerId: undefined,
			device: device(joinerId, 'Desktop')
		});
		const stream = await nodes.open(PAIR_PROTOCOL);
		const welcome = await pairAsJoiner(framed(stream, { remotePeer: nodes.connection.remotePeer }), join.ctx);
		expect(welcome.device.peerId).toBe(nodes.server.peerId.toString());
		expect(welcome.library).toEqual(library);
		await expect.poll(() => inviterResults.length).toBe(1);
		expect(inviterResults[0]).toMatchObject({ status: 'fulfilled', value: { peerId: joinerId } });
	});

	it('refuses a wrong secret on both nodes', async () => {
		inviterResults.length = 0;
		const joinerId = nodes.client.peerId.toString();
		const join = joinerSide(newInviteSecret(), { localPeerId: joinerId, device: device(joinerId, 'Desktop') });
		const stream = await nodes.open(PAIR_PROTOCOL);
		const [r] = await Promise.allSettled([
			pairAsJoiner(framed(stream), { ...join.ctx, remotePeerId: nodes.server.peerId.toString() })
		]);
		expect(codeOf(r)).toBe('PairingWrongSecret');
		await expect.poll(() => inviterResults.length).toBe(1);
		expect(codeOf(inviterResults[0])).toBe('PairingWrongSecret');
	});

	it('answers garbage bytes on the pair protocol with PairingMalformed and keeps serving', async () => {
		inviterResults.length = 0;
		const stream = await nodes.open(PAIR_PROTOCOL);
		stream.send(Uint8Array.from([0x05, 0x01, 0x03, 0xff, 0xfe, 0xfd]));
		await expect.poll(() => inviterResults.length).toBe(1);
		expect(codeOf(inviterResults[0])).toBe('PairingMalformed');
		expect(nodes.server.status).toBe('started');
	});
});
