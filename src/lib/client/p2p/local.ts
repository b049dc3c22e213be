import { peerIdFromString } from '@libp2p/peer-id';
import type { Connection, Stream } from '@libp2p/interface';
import type { ChangeEvent, CoreApi, DeviceInfo, PairingWelcome } from '$lib/vdfs/api';
import { VdfsError, toVdfsError } from '$lib/vdfs/errors';
import { framed } from '$lib/vdfs/p2p/frame';
import {
	PAIR_PROTOCOL,
	PAIRING_ERROR_CODES,
	PairingError,
	base64UrlToBytes,
	decodeInviteLink,
	encodeInviteLink,
	pairAsInviter,
	pairAsJoiner,
	type InviteLink
} from '$lib/vdfs/p2p/pair';
import { servePeers, type PeersApi } from './channel';
import { PeerService } from './peers';
import { writeCachedSettings } from './settings';
import type { PeerState } from './state';

const PAIR = PAIR_PROTOCOL;

/**
 * The leader tab's PeersApi: the node itself, pairing over `/orrery/pair/1`, and the channel
 * that lets the other tabs use it. Loaded only in the leader tab (it pulls in libp2p).
 */
export async function startLocalPeers(
	api: CoreApi,
	onChange: (topics: ChangeEvent['topic'][], listener: () => void) => () => void
): Promise<PeersApi & { close(): Promise<void> }> {
	let service = new PeerService(api);
	const listeners = new Set<(s: PeerState) => void>();
	let offService = () => {};

	const boot = async () => {
		offService();
		offService = service.onState((s) => {
			for (const l of listeners) l(s);
		});
		await service.start();
		if (service.state.error) return;
		await service.node.handle(PAIR, (stream, connection) => void inviterSide(stream, connection), {
			runOnLimitedConnection: true
		});
	};

	/** After a failed pairing, nothing keeps a connection to a device that is not ours. */
	const dropIfStranger = async (connection: Connection) => {
		if (!(await api.trustedDevice(connection.remotePeer.toString()).catch(() => null))) {
			await connection.close().catch(() => {});
		}
	};

	const inviterSide = async (stream: Stream, connection: Connection) => {
		const s = framed(stream, { remotePeer: connection.remotePeer });
		let invite = '';
		let accepted: DeviceInfo | null = null;
		try {
			await pairAsInviter(s, {
				localPeerId: service.node.peerId.toString(),
				remotePeerId: connection.remotePeer.toString(),
				lookupInvite: async (id: string) => {
					invite = id;
					try {
						const { secret } = await api.openPairingInvite(id);
						return { secret: secretBytes(secret) };
					} catch (e) {
						throw asPairingError(e);
					}
				},
				onFailure: async () => {
					if (invite) await api.pairingFailed(invite);
				},
				accept: async (device) => {
					try {
						const welcome = await api.acceptPairing(invite, device);
						accepted = device;
						return welcome;
					} catch (e) {
						throw asPairingError(e);
					}
				}
			});
			await service.refreshDevices();
			const name = (accepted as DeviceInfo | null)?.name ?? 'The other device';
			service.notePairing({ status: 'paired', deviceName: name, message: `${name} is paired.`, at: Date.now() });
		} catch (e) {
			const message = toVdfsError(e).message;
			console.warn(`Orrery: pairing with ${connection.remotePeer.toString()} failed:`, message);
			// Stored, but the joiner never finished: it is not left half-paired here.
			const half = accepted as DeviceInfo | null;
			if (half) await api.removeDevice(half.id).catch(() => {});
			service.notePairing({ status: 'failed', deviceName: half?.name ?? null, message, at: Date.now() });
			await dropIfStranger(connection);
		}
	};

	const offDevices = onChange(['device', 'library'], () => void service.refreshDevices());
	const offSettings = onChange(['settings'], () => void service.announce());
	let booted: Promise<void> = Promise.resolve();

	const local: PeersApi & { close(): Promise<void> } = {
		state: () => service.state,
		onState: (l) => {
			listeners.add(l);
			return () => listeners.delete(l);
		},
		async createInvite() {
			const circuits = service.circuitAddrs();
			if (circuits.length === 0) {
				throw new VdfsError(
					'PeerUnreachable',
					service.state.relayError ??
						'This device is not connected to a relay yet, so no other device could reach it. Try again in a moment.'
				);
			}
			const invite = await api.createPairingInvite();
			const link = encodeInviteLink(location.origin, {
				peerId: service.node.peerId.toString(),
				relay: circuits,
				invite: invite.invite,
				secret: invite.secret,
				libraryName: invite.library.name,
				deviceName: invite.device.name,
				expiresAt: invite.expiresAt
			});
			return { link, invite: invite.invite, expiresAt: invite.expiresAt, libraryName: invite.library.name };
		},
		cancelInvites: (invite?: string) => api.cancelPairingInvites(invite),
		async pair(link: string) {
			let decoded: InviteLink;
			try {
				decoded = decodeInviteLink(link);
			} catch (e) {
				throw asVdfsError(e);
			}
			if (decoded.expiresAt <= Date.now()) {
				throw new VdfsError('PairingExpired', `This invite from ${decoded.deviceName} has expired: ask for a new one.`);
			}
			if (decoded.peerId === service.node.peerId.toString()) {
				throw new VdfsError(
					'PairingMalformed',
					'This link was made on this device: open it on the device you want to add.'
				);
			}
			const settings = await api.settings();
			const peer = peerIdFromString(decoded.peerId);
			const connection = await service.dialForPairing(peer, decoded.relay);
			let welcome: PairingWelcome;
			let joined: PairingWelcome | null = null;
			try {
				const stream = await connection.newStream(PAIR, { runOnLimitedConnection: true });
				welcome = await pairAsJoiner(framed(stream, { remotePeer: connection.remotePeer }), {
					localPeerId: service.node.peerId.toString(),
					remotePeerId: connection.remotePeer.toString(),
					invite: decoded.invite,
					secret: secretBytes(decoded.secret),
					device: {
						id: settings.deviceId,
						name: settings.deviceName,
						platform: navigator.platform,
						peerId: service.node.peerId.toString()
					},
					accept: async (device, library, members) => {
						await api.joinPairedLibrary({ device, library, members });
						joined = { device, library, members };
					}
				});
			} catch (e) {
				// The inviter never heard we finished: it drops us, so we drop it too.
				const half = joined as PairingWelcome | null;
				if (half) await api.removeDevice(half.device.id).catch(() => {});
				await dropIfStranger(connection);
				throw asVdfsError(e, decoded.deviceName);
			}
			await service.refreshDevices();
			return { deviceName: welcome.device.name, libraryName: welcome.library.name };
		},
		ping: (peerId) => service.ping(peerId),
		removeDevice: (id) => service.removeDevice(id),
		async restart() {
			// The new settings, not the copy the node starts from when the core is not up yet.
			writeCachedSettings(await api.peerSettings());
			await service.stop();
			service = new PeerService(api);
			await boot();
			for (const l of listeners) l(service.state);
		},
		async close() {
			removeEventListener('pagehide', onPageHide);
			offDevices();
			offSettings();
			offService();
			stopChannel();
			await service.stop();
		}
	};
	// The other tabs are answered from now on; their calls wait for the node (a pairing link
	// opened while this tab was taking over is not lost).
	const stopChannel = servePeers(local, () => booted);
	const onPageHide = () => service.goodbye();
	addEventListener('pagehide', onPageHide);
	booted = boot();
	await booted;
	return local;
}

const PAIRING_CODES: readonly string[] = PAIRING_ERROR_CODES;

/** The core's refusal, as the pairing protocol sends it to the other device. */
function asPairingError(e: unknown): PairingError {
	const err = toVdfsError(e);
	return new PairingError(
		(PAIRING_CODES.includes(err.code) ? err.code : 'PairingMalformed') as PairingError['code'],
		err.message
	);
}

/** A pairing failure as the UI shows it; names the other device where the message allows. */
function asVdfsError(e: unknown, deviceName?: string): VdfsError {
	if (e instanceof PairingError) {
		const code = PAIRING_CODES.includes(e.code) ? e.code : 'PairingMalformed';
		return new VdfsError(code, deviceName ? e.message.replace(/the other device/gi, deviceName) : e.message);
	}
	return toVdfsError(e);
}

function secretBytes(secret: string): Uint8Array {
	const bytes = base64UrlToBytes(secret);
	if (!bytes || bytes.byteLength !== 16)
		throw new PairingError('PairingBadLink', 'This pairing link is damaged: copy the whole link again.');
	return bytes;
}
