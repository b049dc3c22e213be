import type { FileRef } from '$lib/vdfs/api';

/**
 * What Copy or Cut put aside for Paste: references to files and folders (never their bytes),
 * across folders and locations of this library. Kept per tab.
 */
class FileClipboard {
	items = $state<FileRef[]>([]);
	mode = $state<'copy' | 'cut'>('copy');

	put(items: FileRef[], mode: 'copy' | 'cut'): void {
		this.items = items;
		this.mode = mode;
	}

	clear(): void {
		this.items = [];
	}
}

export const fileClipboard = new FileClipboard();
