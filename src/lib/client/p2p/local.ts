import { peerIdFromString } from '@libp2p/peer-id';
import type { Connection, Stream } from '@libp2p/interface';
import type { ChangeEvent, CoreApi, PairingWelcome } from '$lib/vdfs/api';
import { VdfsError, toVdfsError, type VdfsErrorCode } from '$lib/vdfs/errors';
import { framed } from '$lib/vdfs/p2p/frame';
import {
	PAIR_PROTOCOL,
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

	const inviterSide = async (stream: Stream, connection: Connection) => {
		const s = framed(stream, { remotePeer: connection.remotePeer });
		let invite = '';
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
						return await api.acceptPairing(invite, device);
					} catch (e) {
						throw asPairingError(e);
					}
				}
			});
			await service.refreshDevices();
		} catch (e) {
			console.warn(`Orrery: pairing with ${connection.remotePeer.toString()} failed:`, toVdfsError(e).message);
		}
	};

	const offDevices = onChange(['device', 'library'], () => void service.refreshDevices());
	const offSettings = onChange(['settings'], () => void service.announce());
	await boot();

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
			return { link, expiresAt: invite.expiresAt, libraryName: invite.library.name };
		},
		cancelInvites: () => api.cancelPairingInvites(),
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
			const stream = await connection.newStream(PAIR, { runOnLimitedConnection: true });
			let welcome: PairingWelcome;
			try {
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
					}
				});
			} catch (e) {
				throw asVdfsError(e, decoded.deviceName);
			}
			await service.refreshDevices();
			return { deviceName: welcome.device.name, libraryName: welcome.library.name };
		},
		ping: (peerId) => service.ping(peerId),
		removeDevice: (id) => service.removeDevice(id),
		async restart() {
			await service.stop();
			service = new PeerService(api);
			await boot();
			for (const l of listeners) l(service.state);
		},
		async close() {
			offDevices();
			offSettings();
			offService();
			stopChannel();
			await service.stop();
		}
	};
	const stopChannel = servePeers(local);
	return local;
}

const PAIRING_CODES: VdfsErrorCode[] = [
	'PairingUnknown',
	'PairingExpired',
	'PairingUsed',
	'PairingWrongSecret',
	'PairingBadLink',
	'PairingMalformed',
	'PeerUnreachable'
];

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
		const code = (PAIRING_CODES.includes(e.code as VdfsErrorCode) ? e.code : 'PairingMalformed') as VdfsErrorCode;
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
