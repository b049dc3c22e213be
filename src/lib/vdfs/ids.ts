/** Branded ids: every id that crosses devices is a UUID (or a content id), never a local rowid. */
export type LibraryId = string & { readonly __brand: 'LibraryId' };
export type DeviceId = string & { readonly __brand: 'DeviceId' };
export type LocationId = string & { readonly __brand: 'LocationId' };
export type EntryId = string & { readonly __brand: 'EntryId' };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function isUuid(v: unknown): v is string {
	return typeof v === 'string' && UUID.test(v);
}

export function newId<T extends string>(): T {
	return crypto.randomUUID() as T;
}
