// See https://svelte.dev/docs/kit/types#app.d.ts
import type { CoreApi, IceServer } from '$lib/vdfs/api';
import type { PeersApi } from '$lib/client/p2p/channel';

declare global {
	namespace App {}
	interface Window {
		/** The core API of this tab (leader or not), for the console and tests. */
		orrery?: CoreApi;
		/** This tab's view of the peer node (the leader tab runs it), for the console and tests. */
		orreryPeers?: PeersApi;
	}
	/** Build-time defaults of the peer settings (vite.config.ts). */
	const __ORRERY_RELAYS__: string[];
	const __ORRERY_ICE_SERVERS__: IceServer[];
}

export {};
