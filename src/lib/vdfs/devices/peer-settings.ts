import type { IceServer, PeerSettings } from '../api';
import { VdfsError } from '../errors';

/**
 * Relay addresses and ICE servers (settings page). Only their shape is checked here: whether a
 * relay answers is the node's business, shown as its connection state.
 */

/** A relay reached over WebSockets: `/ip4|ip6|dns4|dns6|dnsaddr/<host>/tcp/<port>/ws|wss[/p2p/<id>]`. */
const RELAY =
	/^\/(ip4|ip6|dns4|dns6|dns|dnsaddr)\/[^/\s]+\/tcp\/\d{1,5}\/(ws|wss|tls\/ws)(\/p2p\/[1-9A-HJ-NP-Za-km-z]{20,100})?$/;
const ICE = /^(stun|stuns|turn|turns):[^\s]+$/;

export function checkPeerSettings(input: PeerSettings): PeerSettings {
	const out: PeerSettings = {};
	if (input?.relays !== undefined) {
		if (!Array.isArray(input.relays) || input.relays.length > 8) {
			throw new VdfsError('InvalidInput', 'Give at most 8 relay addresses.');
		}
		out.relays = input.relays.map((r) => {
			const clean = typeof r === 'string' ? r.trim() : '';
			if (!RELAY.test(clean)) {
				throw new VdfsError(
					'InvalidInput',
					`“${String(r).slice(0, 80)}” is not a relay address. Use one like /dns4/relay.example.com/tcp/443/wss.`
				);
			}
			return clean;
		});
	}
	if (input?.iceServers !== undefined) {
		if (!Array.isArray(input.iceServers) || input.iceServers.length > 8) {
			throw new VdfsError('InvalidInput', 'Give at most 8 ICE servers.');
		}
		out.iceServers = input.iceServers.map((s): IceServer => {
			const urls = Array.isArray(s?.urls) ? s.urls.map((u) => String(u).trim()) : [];
			const bad = urls.find((u) => !ICE.test(u));
			if (urls.length === 0 || bad !== undefined) {
				throw new VdfsError(
					'InvalidInput',
					`“${(bad ?? '').slice(0, 80)}” is not a STUN or TURN address. Use one like stun:stun.example.com:3478.`
				);
			}
			const server: IceServer = { urls };
			if (typeof s.username === 'string' && s.username) server.username = s.username;
			if (typeof s.credential === 'string' && s.credential) server.credential = s.credential;
			return server;
		});
	}
	return out;
}

/** The stored settings; a value that no longer parses counts as the defaults. */
export function readPeerSettings(stored: string | undefined): PeerSettings {
	if (!stored) return {};
	try {
		return checkPeerSettings(JSON.parse(stored) as PeerSettings);
	} catch {
		return {};
	}
}
