import { readThumb, type LibraryId } from '$lib/vdfs/api';

/** Object URLs kept; older ones are revoked (an <img> already showing one keeps its picture). */
const KEEP = 600;

/**
 * Thumbnail URLs by content id, read from OPFS once and shared by every tile that shows the
 * same content. Any tab can read them: OPFS belongs to the origin, not to the leader.
 */
class ThumbCache {
	#urls = new Map<string, Promise<string | null>>();

	url(library: LibraryId, casId: string): Promise<string | null> {
		const key = `${library}/${casId}`;
		let url = this.#urls.get(key);
		if (url) {
			this.#urls.delete(key);
			this.#urls.set(key, url);
			return url;
		}
		url = readThumb(library, casId).then((file) => (file ? URL.createObjectURL(file) : null));
		this.#urls.set(key, url);
		while (this.#urls.size > KEEP) {
			const [oldest, old] = this.#urls.entries().next().value as [string, Promise<string | null>];
			this.#urls.delete(oldest);
			void old.then((u) => u && URL.revokeObjectURL(u));
		}
		return url;
	}

	/** Forgets a content's thumbnail (it was made again). */
	forget(library: LibraryId, casId: string): void {
		const key = `${library}/${casId}`;
		void this.#urls.get(key)?.then((u) => u && URL.revokeObjectURL(u));
		this.#urls.delete(key);
	}
}

export const thumbs = new ThumbCache();
