import type { EntryId, EntryMeta, Tag, TagId, TagInput } from '../api';
import { VdfsError } from '../errors';
import { newId } from '../ids';
import type { OpenLibrary } from '../library/library';
import { change, type SharedOp } from '../sync/ops';

/** Tag colours offered by the UI; any `#rrggbb` is accepted. */
export const TAG_COLORS = [
	'#e5484d',
	'#f76b15',
	'#ffc53d',
	'#46a758',
	'#12a594',
	'#0090ff',
	'#8e4ec6',
	'#d6409f',
	'#8d8d8d'
];
const COLOR = /^#[0-9a-f]{6}$/i;
const MAX_NAME = 100;

type Change = Omit<SharedOp, 'at'>;

interface TagRow {
	uuid: string;
	name: string;
	color: string;
	parent: string | null;
	count: number;
}

/** Live tags; with `counts`, how many entries each is on (a lookup per link, so only when shown). */
function tagRows(lib: OpenLibrary, counts = true): TagRow[] {
	const count = counts
		? `(SELECT coalesce(sum(c.refs), 0) FROM tag_link k JOIN content c ON c.cas_id = k.target
				WHERE k.tag = t.uuid AND k.linked = 1)
			+ (SELECT count(*) FROM tag_link k JOIN entry e ON e.uuid = k.target WHERE k.tag = t.uuid AND k.linked = 1)`
		: '0';
	return lib.sql.all<TagRow>(
		`SELECT t.uuid, t.name, t.color, t.parent, ${count} AS count FROM tag t WHERE t.deleted = 0`
	);
}

/**
 * Parents of live tags, with what cannot stand as a tree cut off: a parent that is deleted or
 * unknown, or a loop (two devices each moved one tag under the other) makes a tag top-level.
 */
function parentsOf(rows: readonly TagRow[]): Map<string, string | null> {
	const byId = new Map(rows.map((r) => [r.uuid, r]));
	const parents = new Map<string, string | null>();
	for (const row of rows) {
		const seen = new Set([row.uuid]);
		let up = row.parent;
		while (up && byId.has(up) && !seen.has(up)) {
			seen.add(up);
			up = byId.get(up)!.parent;
		}
		parents.set(row.uuid, row.parent && byId.has(row.parent) && !up ? row.parent : null);
	}
	return parents;
}

/** Every live tag, parents before children, each level by name. */
export function listTags(lib: OpenLibrary): Tag[] {
	const rows = tagRows(lib);
	const parents = parentsOf(rows);
	const children = new Map<string | null, TagRow[]>();
	for (const row of rows) {
		const parent = parents.get(row.uuid) ?? null;
		children.set(parent, [...(children.get(parent) ?? []), row]);
	}
	const out: Tag[] = [];
	const walk = (parent: string | null) => {
		const level = (children.get(parent) ?? []).sort(
			(a, b) =>
				a.name.localeCompare(b.name, undefined, { sensitivity: 'base', numeric: true }) || a.uuid.localeCompare(b.uuid)
		);
		for (const row of level) {
			out.push({
				id: row.uuid as TagId,
				name: row.name,
				color: row.color,
				parent: (parents.get(row.uuid) ?? null) as TagId | null,
				count: row.count
			});
			walk(row.uuid);
		}
	};
	walk(null);
	return out;
}

/** The tags and every tag nested under them (what a tag filter matches). */
export function tagsWithDescendants(lib: OpenLibrary, tags: readonly string[]): string[] {
	const rows = tagRows(lib, false);
	const parents = parentsOf(rows);
	const found = new Set(tags);
	for (let grew = true; grew;) {
		grew = false;
		for (const [id, parent] of parents) {
			if (parent && found.has(parent) && !found.has(id)) {
				found.add(id);
				grew = true;
			}
		}
	}
	return [...found];
}

function requireTag(lib: OpenLibrary, id: TagId): Tag {
	const tag = listTags(lib).find((t) => t.id === id);
	if (!tag) throw new VdfsError('NotFound', 'That tag no longer exists.');
	return tag;
}

function cleanName(name: unknown): string {
	const clean = typeof name === 'string' ? name.trim().replace(/\s+/g, ' ') : '';
	if (!clean) throw new VdfsError('InvalidInput', 'A tag needs a name.');
	if ([...clean].length > MAX_NAME)
		throw new VdfsError('InvalidInput', `A tag name can be at most ${MAX_NAME} characters.`);
	return clean;
}

function cleanColor(color: unknown): string {
	if (typeof color !== 'string' || !COLOR.test(color)) {
		throw new VdfsError('InvalidInput', 'A tag colour is written #rrggbb.');
	}
	return color.toLowerCase();
}

/** Names are unique among a tag's siblings (any case): two "Work" tags side by side are a trap. */
function checkFree(lib: OpenLibrary, name: string, parent: string | null, self?: string): void {
	const clash = listTags(lib).find(
		(t) =>
			t.parent === parent && t.id !== self && t.name.localeCompare(name, undefined, { sensitivity: 'accent' }) === 0
	);
	if (clash) throw new VdfsError('AlreadyExists', `There is a tag “${clash.name}” here already.`);
}

export function createTag(lib: OpenLibrary, device: string, input: TagInput): Tag {
	const name = cleanName(input.name);
	const color = cleanColor(input.color ?? TAG_COLORS[listTags(lib).length % TAG_COLORS.length]);
	const parent = input.parent ?? null;
	if (parent) requireTag(lib, parent);
	const id = input.id ?? newId<TagId>();
	const existing = listTags(lib).find((t) => t.id === id);
	if (existing) return existing;
	checkFree(lib, name, parent);
	change(lib, device, [{ table: 'tag', key: [id], set: { name, color, parent, deleted: 0 } }]);
	return requireTag(lib, id);
}

export function updateTag(
	lib: OpenLibrary,
	device: string,
	id: TagId,
	changes: { name?: string; color?: string; parent?: TagId | null }
): Tag {
	const tag = requireTag(lib, id);
	const set: Record<string, string | null> = {};
	if (changes.name !== undefined) set.name = cleanName(changes.name);
	if (changes.color !== undefined) set.color = cleanColor(changes.color);
	if (changes.parent !== undefined) {
		const parent = changes.parent;
		if (parent) {
			if (parent === id || tagsWithDescendants(lib, [id]).includes(parent)) {
				throw new VdfsError('InvalidInput', `“${tag.name}” cannot go inside itself or a tag nested in it.`);
			}
			requireTag(lib, parent);
		}
		set.parent = parent;
	}
	if (Object.keys(set).length === 0) return tag;
	checkFree(
		lib,
		(set.name as string | undefined) ?? tag.name,
		changes.parent !== undefined ? changes.parent : tag.parent,
		id
	);
	change(lib, device, [{ table: 'tag', key: [id], set }]);
	return requireTag(lib, id);
}

export function deleteTag(lib: OpenLibrary, device: string, id: TagId): void {
	const tag = requireTag(lib, id);
	const moves: Change[] = listTags(lib)
		.filter((t) => t.parent === id)
		.map((t) => ({ table: 'tag', key: [t.id], set: { parent: tag.parent } }));
	change(lib, device, [{ table: 'tag', key: [id], set: { deleted: 1 } }, ...moves]);
}

interface Target {
	uuid: string;
	cas_id: string | null;
}

/** Files and folders by id; an id not in the library is an error naming how many were missing. */
function targets(lib: OpenLibrary, entries: readonly EntryId[]): Target[] {
	if (!Array.isArray(entries) || entries.length === 0) throw new VdfsError('InvalidInput', 'Nothing was selected.');
	const rows = lib.sql.all<Target>(
		'SELECT uuid, cas_id FROM entry WHERE uuid IN (SELECT value FROM json_each(?)) AND parent_id IS NOT NULL',
		[JSON.stringify(entries)]
	);
	if (rows.length < new Set(entries).size) {
		const missing = new Set(entries).size - rows.length;
		throw new VdfsError(
			'NotFound',
			`${missing === 1 ? 'One item is' : `${missing} items are`} no longer in the library.`
		);
	}
	return rows;
}

export function tagEntries(
	lib: OpenLibrary,
	device: string,
	tag: TagId,
	entries: readonly EntryId[],
	options: { on?: boolean; pinned?: boolean } = {}
): void {
	requireTag(lib, tag);
	const on = options.on ?? true;
	const changes: Change[] = [];
	const seen = new Set<string>();
	const link = (target: string, linked: 0 | 1) => {
		if (seen.has(target)) return;
		seen.add(target);
		changes.push({ table: 'tag_link', key: [tag, target], set: { linked } });
	};
	for (const t of targets(lib, entries)) {
		if (on) link(options.pinned || !t.cas_id ? t.uuid : t.cas_id, 1);
		else {
			// Off this file whichever way it was on: its content (every copy) and its path.
			if (t.cas_id) link(t.cas_id, 0);
			link(t.uuid, 0);
		}
	}
	change(lib, device, changes);
}

interface MetaRow {
	target: string;
	favorite: number;
	favorite_at: string;
	note: string;
	note_at: string;
	hidden: number;
	hidden_at: string;
}

export function entryMeta(lib: OpenLibrary, id: EntryId): EntryMeta {
	const [t] = targets(lib, [id]);
	const keys = t.cas_id ? [t.cas_id, t.uuid] : [t.uuid];
	const live = new Map(listTags(lib).map((tag) => [tag.id as string, tag]));
	const links = lib.sql.all<{ tag: string; target: string }>(
		`SELECT tag, target FROM tag_link WHERE linked = 1 AND target IN (SELECT value FROM json_each(?))`,
		[JSON.stringify(keys)]
	);
	const tags = new Map<string, EntryMeta['tags'][number]>();
	for (const l of links) {
		const tag = live.get(l.tag);
		if (!tag) continue;
		const pinned = l.target === t.uuid;
		const had = tags.get(l.tag);
		if (!had || (had.pinned && !pinned)) tags.set(l.tag, { id: tag.id, name: tag.name, color: tag.color, pinned });
	}
	// Set on the content or, before it had a content id, on the entry: per field, the newer wins.
	const rows = lib.sql.all<MetaRow>('SELECT * FROM user_meta WHERE target IN (SELECT value FROM json_each(?))', [
		JSON.stringify(keys)
	]);
	const newest = <K extends 'favorite' | 'note' | 'hidden'>(field: K): MetaRow[K] | undefined =>
		rows.reduce<MetaRow | undefined>((a, r) => (!a || r[`${field}_at`] > a[`${field}_at`] ? r : a), undefined)?.[field];
	const order = [...live.keys()];
	return {
		tags: [...tags.values()].sort((a, b) => order.indexOf(a.id) - order.indexOf(b.id)),
		favorite: newest('favorite') === 1,
		note: newest('note') ?? '',
		hidden: newest('hidden') === 1
	};
}

export function setEntryMeta(
	lib: OpenLibrary,
	device: string,
	entries: readonly EntryId[],
	changes: { favorite?: boolean; note?: string; hidden?: boolean }
): void {
	const set: Record<string, string | number> = {};
	if (changes.favorite !== undefined) set.favorite = changes.favorite ? 1 : 0;
	if (changes.hidden !== undefined) set.hidden = changes.hidden ? 1 : 0;
	if (changes.note !== undefined) {
		if (typeof changes.note !== 'string') throw new VdfsError('InvalidInput', 'A note is text.');
		if (changes.note.length > 10_000) throw new VdfsError('InvalidInput', 'A note can be at most 10,000 characters.');
		set.note = changes.note;
	}
	if (Object.keys(set).length === 0) return;
	const seen = new Set<string>();
	const list: Change[] = [];
	for (const t of targets(lib, entries)) {
		const target = t.cas_id ?? t.uuid;
		if (seen.has(target)) continue;
		seen.add(target);
		list.push({ table: 'user_meta', key: [target], set });
	}
	change(lib, device, list);
}
