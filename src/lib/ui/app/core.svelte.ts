import type { ChangeEvent, CoreApi, VdfsError } from '$lib/vdfs/api';
import { connect, type CoreConnection, type Role } from '$lib/client/core-connection';

type Topic = ChangeEvent['topic'];

/** The connection to the core and its role in this tab; one instance for the app. */
class CoreStore {
	role = $state<Role>('connecting');
	startError = $state<VdfsError | null>(null);
	#connection: CoreConnection | null = null;

	/** This tab holds the leader lock (its core may still be starting). */
	leading = $state(false);

	get api(): CoreApi {
		return this.#ensure().api;
	}

	/**
	 * Calls `listener` on every change event of the given topics (from any tab). This is the
	 * app's one event bus: views re-query what they show, no polling. Returns an unsubscribe.
	 */
	on(topics: readonly Topic[], listener: (event: ChangeEvent) => void): () => void {
		return this.#ensure().onChange((event) => {
			if (topics.includes(event.topic)) listener(event);
		});
	}

	#ensure(): CoreConnection {
		if (!this.#connection) {
			this.#connection = connect();
			this.role = this.#connection.role();
			void this.#connection.leading.then(() => (this.leading = true));
			this.#connection.onRole((role, error) => {
				this.role = role;
				this.startError = error ?? null;
			});
		}
		return this.#connection;
	}
}

export const coreStore = new CoreStore();
