// See https://svelte.dev/docs/kit/types#app.d.ts
import type { CoreApi } from '$lib/vdfs/api';

declare global {
	namespace App {}
	interface Window {
		/** The core API of this tab (leader or not), for the console and tests. */
		orrery?: CoreApi;
	}
}

export {};
