import type { IceServer, PeerSettings } from '$lib/vdfs/api';

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
