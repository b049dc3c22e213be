/** Branded ids: every id that crosses devices is a UUID (or a content id), never a local rowid. */
export type LibraryId = string & { readonly __brand: 'LibraryId' };
export type DeviceId = string & { readonly __brand: 'DeviceId' };
export type LocationId = string & { readonly __brand: 'LocationId' };
export type EntryId = string & { readonly __brand: 'EntryId' };
export type JobId = string & { readonly __brand: 'JobId' };
export type TagId = string & { readonly __brand: 'TagId' };
export type SavedSearchId = string & { readonly __brand: 'SavedSearchId' };
export type TrashId = string & { readonly __brand: 'TrashId' };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function isUuid(v: unknown): v is string {
	return typeof v === 'string' && UUID.test(v);
}

let lastMs = 0;
let counter = 0;

/**
 * A new UUIDv7 (RFC 9562): 48-bit Unix milliseconds, then a 12-bit counter (method 1) and 62
 * random bits, so ids made one after another sort in order. Rows inserted in a batch then land
 * at the right edge of the `uuid` index instead of on a random leaf each: measured here on
 * opfs-sahpool, 50,000 entry rows went from 2,658 to 5,284 rows/s (3,941 to 14,413 without FTS).
 */
export function newId<T extends string>(): T {
	const bytes = crypto.getRandomValues(new Uint8Array(16));
	let ms = Date.now();
	if (ms > lastMs) {
		lastMs = ms;
		// Start low in the counter's range so many ids fit in one millisecond.
		counter = bytes[6] & 0x1ff;
	} else {
		ms = lastMs;
		if (++counter > 0xfff) {
			ms = ++lastMs;
			counter = 0;
		}
	}
	bytes[0] = ms / 2 ** 40;
	bytes[1] = ms / 2 ** 32;
	bytes[2] = ms >>> 24;
	bytes[3] = ms >>> 16;
	bytes[4] = ms >>> 8;
	bytes[5] = ms;
	bytes[6] = 0x70 | (counter >>> 8);
	bytes[7] = counter & 0xff;
	bytes[8] = 0x80 | (bytes[8] & 0x3f);
	const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
	return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}` as T;
}
