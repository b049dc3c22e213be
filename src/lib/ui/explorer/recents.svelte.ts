import type { ContentKind, LocationId } from '$lib/vdfs/api';

/** A file opened or previewed lately. */
export interface Recent {
	location: LocationId;
	/** Path inside the location. */
	path: string;
	kind: ContentKind;
	at: number;
}

const KEY = 'orrery.recents.';
const KEEP = 8;

/**
 * Files opened or previewed lately, per library, newest first: a per-device history (like a
 * browser's), kept in localStorage, not library data, so it is not synced.
 */
class Recents {
	#library = $state<string | null>(null);
	#version = $state(0);

	/** The library whose recents are shown. */
	use(library: string | null): void {
		this.#library = library;
	}

	get list(): Recent[] {
		void this.#version;
		return this.#library ? read(this.#library) : [];
	}

	add(location: LocationId, path: string, kind: ContentKind): void {
		const library = this.#library;
		if (!library) return;
		const list = read(library).filter((r) => !(r.location === location && r.path === path));
		list.unshift({ location, path, kind, at: Date.now() });
		try {
			localStorage.setItem(KEY + library, JSON.stringify(list.slice(0, KEEP)));
		} catch {
			// Storage full or blocked: no history this visit.
		}
		this.#version++;
	}
}

function read(library: string): Recent[] {
	try {
		const raw = JSON.parse(localStorage.getItem(KEY + library) ?? '[]') as unknown;
		return Array.isArray(raw)
			? raw.filter(
					(r): r is Recent =>
						typeof r === 'object' &&
						r !== null &&
						typeof r.location === 'string' &&
						typeof r.path === 'string' &&
						typeof r.kind === 'string'
				)
			: [];
	} catch {
		return [];
	}
}

export const recents = new Recents();
