import type { DeviceSummary, IceServer, PeerSettings } from '$lib/vdfs/api';

/**
 * The defaults behind PeerSettings: the relay `npm start` runs on this machine, and no ICE
 * servers. Without `iceServers` the WebRTC transport would ask public STUN servers; a build for
 * the open internet sets its own with ORRERY_RELAYS / ORRERY_ICE_SERVERS (vite.config.ts).
 */
export const DEFAULT_RELAYS: string[] = __ORRERY_RELAYS__;
export const DEFAULT_ICE_SERVERS: IceServer[] = __ORRERY_ICE_SERVERS__;

export interface ResolvedPeerSettings {
	relays: string[];
	iceServers: IceServer[];
}

export function resolvePeerSettings(s: PeerSettings): ResolvedPeerSettings {
	return { relays: s.relays ?? DEFAULT_RELAYS, iceServers: s.iceServers ?? DEFAULT_ICE_SERVERS };
}

const CACHE_KEY = 'orrery-peer-settings';

/** The peer settings last read from the core (localStorage: per browser profile, like them). */
export function readCachedSettings(): PeerSettings | null {
	try {
		const raw = localStorage.getItem(CACHE_KEY);
		return raw ? (JSON.parse(raw) as PeerSettings) : null;
	} catch {
		return null;
	}
}

export function writeCachedSettings(settings: PeerSettings): void {
	try {
		localStorage.setItem(CACHE_KEY, JSON.stringify(settings));
	} catch {
		// Private mode or full storage: the node then waits for the core next time.
	}
}

const DEVICES_KEY = 'orrery-peer-devices';

/** The paired devices this tab knew last: only where to dial first, never whom to trust. */
export function readCachedDevices(): DeviceSummary[] {
	try {
		const parsed: unknown = JSON.parse(localStorage.getItem(DEVICES_KEY) ?? '[]');
		return Array.isArray(parsed)
			? (parsed as DeviceSummary[]).filter((d) => typeof d?.peerId === 'string' && Array.isArray(d.addrs))
			: [];
	} catch {
		return [];
	}
}

export function writeCachedDevices(devices: DeviceSummary[]): void {
	try {
		localStorage.setItem(DEVICES_KEY, JSON.stringify(devices));
	} catch {
		// As above: the next start waits for the core's list.
	}
}
