import { describe, expect, it } from 'vitest';
import type { DeviceInfo } from '../../src/lib/vdfs/api';
import type { Core } from '../../src/lib/vdfs/core';
import { INVITE_TTL_MS } from '../../src/lib/vdfs/devices/invites';
import type { DeviceId } from '../../src/lib/vdfs/ids';
import { startCore } from './helpers';

const PEER_A = '12D3KooWAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
const PEER_B = '12D3KooWBbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';
const PEER_C = '12D3KooWCccccccccccccccccccccccccccccccccccccccccccc';

async function device(core: Core, peerId: string): Promise<DeviceInfo> {
	await core.setPeerId(peerId);
	const s = await core.settings();
	return { id: s.deviceId, name: s.deviceName, platform: '', peerId };
}

async function inviter() {
	const a = await startCore();
	await a.core.createLibrary({ name: 'Home' });
	const info = await device(a.core, PEER_A);
	return { ...a, info };
}

const code = (p: Promise<unknown>) =>
	p.then(
		() => 'ok',
		(e: { code?: string }) => e.code ?? String(e)
	);

describe('pairing invites and devices', () => {
	it('an accepted joiner is stored as a trusted device; the joiner opens the same library with the inviter in it', async () => {
		const a = await inviter();
		const invite = await a.core.createPairingInvite();
		expect(invite.secret).toMatch(/^[A-Za-z0-9_-]{22}$/);
		expect(invite.expiresAt - Date.now()).toBeGreaterThan(INVITE_TTL_MS - 5000);
		expect((await a.core.openPairingInvite(invite.invite)).secret).toBe(invite.secret);

		const b = await startCore();
		await b.core.createLibrary({ name: 'B’s own' });
		const bInfo = await device(b.core, PEER_B);
		const welcome = await a.core.acceptPairing(invite.invite, bInfo);
		expect(welcome.device).toEqual(a.info);
		expect(welcome.library).toEqual(invite.library);
		expect((await a.core.trustedDevice(PEER_B))?.id).toBe(bInfo.id);
		expect(await a.core.trustedDevice(PEER_A)).toBeNull();

		await b.core.joinPairedLibrary(welcome);
		expect((await b.core.settings()).currentLibrary).toBe(invite.library.id);
		expect((await b.core.listLibraries()).map((l) => l.name).sort()).toEqual(['B’s own', 'Home']);
		const bDevices = await b.core.listDevices();
		expect(bDevices.map((d) => [d.name, d.self, d.peerId])).toEqual([
			['Test device', true, PEER_B],
			['Test device', false, PEER_A]
		]);
		expect((await b.core.trustedDevice(PEER_A))?.id).toBe(a.info.id);
	});

	it('an invite pairs once: a second joiner, even a concurrent one, gets PairingUsed', async () => {
		const a = await inviter();
		const { invite } = await a.core.createPairingInvite();
		const b = { id: crypto.randomUUID() as DeviceId, name: 'B', platform: '', peerId: PEER_B };
		const c = { id: crypto.randomUUID() as DeviceId, name: 'C', platform: '', peerId: PEER_C };
		const results = await Promise.all([code(a.core.acceptPairing(invite, b)), code(a.core.acceptPairing(invite, c))]);
		expect(results).toEqual(['ok', 'PairingUsed']);
		expect(await code(a.core.openPairingInvite(invite))).toBe('PairingUsed');
		expect(await a.core.trustedDevice(PEER_C)).toBeNull();
	});

	it('refuses unknown and expired invites, and burns one after three wrong proofs', async () => {
		const a = await inviter();
		expect(await code(a.core.openPairingInvite('0123456789abcdef'))).toBe('PairingUnknown');
		const { invite } = await a.core.createPairingInvite();
		for (let i = 0; i < 2; i++) await a.core.pairingFailed(invite);
		expect(await code(a.core.openPairingInvite(invite))).toBe('ok');
		await a.core.pairingFailed(invite);
		expect(await code(a.core.openPairingInvite(invite))).toBe('PairingUsed');

		const realNow = Date.now;
		const late = await a.core.createPairingInvite();
		try {
			Date.now = () => realNow() + INVITE_TTL_MS + 1000;
			expect(await code(a.core.openPairingInvite(late.invite))).toBe('PairingExpired');
			const b = { id: crypto.randomUUID() as DeviceId, name: 'B', platform: '', peerId: PEER_B };
			expect(await code(a.core.acceptPairing(late.invite, b))).toBe('PairingExpired');
		} finally {
			Date.now = realNow;
		}
	});

	it('an invite is tied to its library: switching libraries makes it unusable', async () => {
		const a = await inviter();
		const { invite } = await a.core.createPairingInvite();
		const other = await a.core.createLibrary({ name: 'Work' });
		await a.core.switchLibrary(other.id);
		expect(await code(a.core.openPairingInvite(invite))).toBe('PairingUnknown');
	});

	it('rejects malformed device descriptions from the other side', async () => {
		const a = await inviter();
		const { invite } = await a.core.createPairingInvite();
		const bad = [
			{ id: 'not-a-uuid', name: 'B', platform: '', peerId: PEER_B },
			{ id: crypto.randomUUID(), name: '', platform: '', peerId: PEER_B },
			{ id: crypto.randomUUID(), name: 'B', platform: '', peerId: 'x' },
			null
		];
		for (const d of bad)
			expect(await code(a.core.acceptPairing(invite, d as unknown as DeviceInfo))).toBe('PairingMalformed');
		// Nothing was used up by the bad attempts.
		expect(await code(a.core.openPairingInvite(invite))).toBe('ok');
	});

	it('a removed device loses trust at once, is hidden, and pairing again restores it; deviceSeen records name and time', async () => {
		const a = await inviter();
		const b = { id: crypto.randomUUID() as DeviceId, name: 'Phone', platform: 'Android', peerId: PEER_B };
		await a.core.acceptPairing((await a.core.createPairingInvite()).invite, b);
		await a.core.deviceSeen(PEER_B, { name: 'Pixel', addrs: ['/ip4/127.0.0.1/tcp/1/ws'] });
		const seen = (await a.core.listDevices()).find((d) => d.id === b.id)!;
		expect(seen.name).toBe('Pixel');
		expect(seen.lastSeen).toBeGreaterThan(Date.now() - 5000);
		expect(seen.addrs).toEqual(['/ip4/127.0.0.1/tcp/1/ws']);
		// An unknown peer's claims are ignored.
		await a.core.deviceSeen(PEER_C, { name: 'Intruder' });
		expect((await a.core.listDevices()).map((d) => d.name)).not.toContain('Intruder');

		await a.core.removeDevice(b.id);
		expect(await a.core.trustedDevice(PEER_B)).toBeNull();
		expect((await a.core.listDevices()).map((d) => d.id)).toEqual([a.info.id]);
		expect(await code(a.core.removeDevice(a.info.id))).toBe('NotFound');

		await a.core.acceptPairing((await a.core.createPairingInvite()).invite, b);
		expect((await a.core.trustedDevice(PEER_B))?.id).toBe(b.id);
		await a.core.deviceRemovedUs(PEER_B);
		expect(await a.core.trustedDevice(PEER_B)).toBeNull();
	});

	it('peer settings keep valid relays and ICE servers and refuse others', async () => {
		const { core } = await startCore();
		expect(await core.peerSettings()).toEqual({});
		const good = {
			relays: ['/dns4/relay.example.com/tcp/443/wss', '/ip4/127.0.0.1/tcp/4401/ws'],
			iceServers: [{ urls: ['stun:stun.example.com:3478'] }]
		};
		await core.setPeerSettings(good);
		expect(await core.peerSettings()).toEqual(good);
		expect(await code(core.setPeerSettings({ relays: ['http://relay.example.com'] }))).toBe('InvalidInput');
		expect(await code(core.setPeerSettings({ iceServers: [{ urls: ['https://x'] }] }))).toBe('InvalidInput');
		expect(await core.peerSettings()).toEqual(good);
	});
});

describe('pairing cannot take over a device', () => {
	it('refuses a joiner that claims a paired device’s id under another key; removed devices are known as removed', async () => {
		const a = await inviter();
		const b = { id: crypto.randomUUID() as DeviceId, name: 'Phone', platform: '', peerId: PEER_B };
		await a.core.acceptPairing((await a.core.createPairingInvite()).invite, b);
		const { invite } = await a.core.createPairingInvite();
		const impostor = { ...b, name: 'Not the phone', peerId: PEER_C };
		expect(await code(a.core.acceptPairing(invite, impostor))).toBe('PairingMalformed');
		expect((await a.core.trustedDevice(PEER_B))?.id).toBe(b.id);
		expect(await a.core.trustedDevice(PEER_C)).toBeNull();

		expect(await a.core.removedDevice(PEER_B)).toBe(false);
		await a.core.removeDevice(b.id);
		expect(await a.core.removedDevice(PEER_B)).toBe(true);
		expect(await a.core.removedDevice(PEER_C)).toBe(false);
		// Once removed, the same id may pair again with a new key (a reinstalled browser).
		expect(await code(a.core.acceptPairing(invite, impostor))).toBe('ok');
	});

	it('cancels one invite or all of them', async () => {
		const a = await inviter();
		const one = await a.core.createPairingInvite();
		const two = await a.core.createPairingInvite();
		await a.core.cancelPairingInvites(one.invite);
		expect(await code(a.core.openPairingInvite(one.invite))).toBe('PairingUnknown');
		expect(await code(a.core.openPairingInvite(two.invite))).toBe('ok');
		await a.core.cancelPairingInvites();
		expect(await code(a.core.openPairingInvite(two.invite))).toBe('PairingUnknown');
	});
});
