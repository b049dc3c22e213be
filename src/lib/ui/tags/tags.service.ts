import type { EntryId, SavedSearch, SavedSearchId, SearchQuery, Tag, TagId, TagInput } from '$lib/vdfs/api';
import { coreStore } from '../app/core.svelte';
import { toasts } from '../app/toasts.svelte';

/** Tags, favorites, notes and saved searches: each call reports a failure to the user and returns null. */
async function attempt<T>(doing: string, fn: () => Promise<T>): Promise<T | null> {
	try {
		return await fn();
	} catch (e) {
		toasts.error(e, doing);
		return null;
	}
}

export const createTag = (input: TagInput): Promise<Tag | null> =>
	attempt('Creating the tag', () => coreStore.api.createTag(input));

export const updateTag = (id: TagId, changes: { name?: string; color?: string; parent?: TagId | null }) =>
	attempt('Changing the tag', () => coreStore.api.updateTag(id, changes));

export const deleteTag = (id: TagId) => attempt('Deleting the tag', () => coreStore.api.deleteTag(id));

/** Puts a tag on (or takes it off) files and folders; says so, as the change may touch other copies. */
export async function tagEntries(
	tag: Tag,
	entries: EntryId[],
	options: { on?: boolean; pinned?: boolean } = {}
): Promise<boolean> {
	if (entries.length === 0) return false;
	const on = options.on ?? true;
	const done = await attempt(on ? 'Tagging' : 'Taking the tag off', () =>
		// A plain copy: a $state array is a proxy, which cannot be posted to the core.
		coreStore.api.tagEntries(tag.id, [...entries], { ...options })
	);
	if (done === null) return false;
	const what = entries.length === 1 ? '1 item' : `${entries.length.toLocaleString()} items`;
	toasts.show('info', on ? `Tagged ${what} “${tag.name}”.` : `Took “${tag.name}” off ${what}.`);
	return true;
}

export const setEntryMeta = (entries: EntryId[], changes: { favorite?: boolean; note?: string; hidden?: boolean }) =>
	attempt('Saving', () => coreStore.api.setEntryMeta([...entries], { ...changes }));

export const saveSearch = (input: {
	name: string;
	query: SearchQuery;
	id?: SavedSearchId;
}): Promise<SavedSearch | null> => attempt('Saving the search', () => coreStore.api.saveSearch(input));

export const deleteSavedSearch = (id: SavedSearchId) =>
	attempt('Deleting the saved search', () => coreStore.api.deleteSavedSearch(id));
