/**
 * What the peer node shows the UI: plain data, posted to every tab (channel.ts).
 */
export type RelayState = 'off' | 'connecting' | 'online' | 'offline';

export interface PeerLink {
	/** `direct`: our own WebRTC link; `relay`: through the relay. */
	kind: 'direct' | 'relay';
	/** Last round trip of a health check, ms. */
	rttMs: number | null;
	since: number;
}

export interface RefusedPeer {
	peerId: string;
	protocol: string;
	at: number;
}

export interface PeerState {
	/** This device's peer id; null until the node has started. */
	peerId: string | null;
	relay: RelayState;
	/** Why the relay is not reachable, in words. */
	relayError: string | null;
	/** Links to paired devices, by peer id. */
	links: Record<string, PeerLink>;
	/** Unknown peers refused lately (newest first, a few). */
	refused: RefusedPeer[];
	/** The node could not start (e.g. no WebRTC in this browser). */
	error: string | null;
	/** How the last pairing through one of this device's invites ended (the "Add device" panel). */
	pairing: PairingOutcome | null;
}

export interface PairingOutcome {
	status: 'paired' | 'failed';
	/** The device that paired, when it got that far. */
	deviceName: string | null;
	message: string;
	at: number;
}

export const INITIAL_PEER_STATE: PeerState = {
	peerId: null,
	relay: 'off',
	relayError: null,
	links: {},
	refused: [],
	error: null,
	pairing: null
};

/** What the UI shows for a device: offline, or linked and how. */
export function deviceOnline(state: PeerState, peerId: string | null): PeerLink | null {
	return (peerId && state.links[peerId]) || null;
}
