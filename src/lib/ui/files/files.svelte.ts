import type { FileRef } from '$lib/vdfs/api';

const KEY = 'orrery:file-clipboard';

/**
 * What Copy or Cut put aside for Paste: references to files and folders (never their bytes),
 * across folders and locations of this library. Kept for this tab in sessionStorage, so a
 * reload or a typed address between Copy and Paste does not lose it.
 */
class FileClipboard {
	items = $state<FileRef[]>([]);
	mode = $state<'copy' | 'cut'>('copy');

	constructor() {
		try {
			const saved = JSON.parse(globalThis.sessionStorage?.getItem(KEY) ?? 'null') as {
				items: FileRef[];
				mode: 'copy' | 'cut';
			} | null;
			if (saved && Array.isArray(saved.items)) {
				this.items = saved.items;
				this.mode = saved.mode === 'cut' ? 'cut' : 'copy';
			}
		} catch {
			// Storage unavailable or unreadable: an empty clipboard.
		}
	}

	put(items: FileRef[], mode: 'copy' | 'cut'): void {
		this.items = items;
		this.mode = mode;
		this.#save();
	}

	/** Plain copies of the items, for the core (a rune proxy cannot cross to the worker). */
	snapshot(): FileRef[] {
		return $state.snapshot(this.items);
	}

	clear(): void {
		this.items = [];
		this.#save();
	}

	#save(): void {
		try {
			if (this.items.length === 0) globalThis.sessionStorage?.removeItem(KEY);
			else globalThis.sessionStorage?.setItem(KEY, JSON.stringify({ items: this.items, mode: this.mode }));
		} catch {
			// Not kept past this page; Paste still works until then.
		}
	}
}

export const fileClipboard = new FileClipboard();
