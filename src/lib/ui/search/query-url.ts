import type { ContentKind, DeviceId, LocationId, SearchQuery, TagId } from '$lib/vdfs/api';

/**
 * A search as an address (`/search?q=…&kind=image&tag=…`), so a search can be reloaded, linked,
 * gone back to, and saved as it is.
 */
const LISTS = {
	kind: 'kinds',
	ext: 'extensions',
	loc: 'locations',
	dev: 'devices'
} as const;
const NUMBERS = {
	min: 'minSize',
	max: 'maxSize',
	mfrom: 'modifiedFrom',
	mto: 'modifiedTo',
	tfrom: 'takenFrom',
	tto: 'takenTo'
} as const;
const FLAGS = { fav: 'favorites', dup: 'duplicates', noid: 'unidentified', hidden: 'hidden' } as const;
const TAGS = { tag: 'any', tagall: 'all', tagnone: 'none' } as const;

export function queryFromParams(params: URLSearchParams): SearchQuery {
	const q: SearchQuery = {};
	const text = params.get('q');
	if (text) q.text = text;
	for (const [param, field] of Object.entries(LISTS)) {
		const values = params.getAll(param).filter(Boolean);
		if (values.length) (q as Record<string, string[]>)[field] = values;
	}
	for (const [param, field] of Object.entries(NUMBERS)) {
		const value = Number(params.get(param) ?? NaN);
		if (params.get(param) !== null && Number.isFinite(value)) (q as Record<string, number>)[field] = value;
	}
	for (const [param, field] of Object.entries(FLAGS)) if (params.get(param) === '1') q[field] = true;
	for (const [param, field] of Object.entries(TAGS)) {
		const values = params.getAll(param).filter(Boolean) as TagId[];
		if (values.length) q.tags = { ...q.tags, [field]: values };
	}
	return q;
}

export function paramsFromQuery(q: SearchQuery): URLSearchParams {
	const params = new URLSearchParams();
	if (q.text) params.set('q', q.text);
	for (const [param, field] of Object.entries(LISTS)) {
		for (const v of (q[field] as readonly string[] | undefined) ?? []) params.append(param, v);
	}
	for (const [param, field] of Object.entries(NUMBERS)) {
		const v = q[field];
		if (v !== undefined) params.set(param, String(v));
	}
	for (const [param, field] of Object.entries(FLAGS)) if (q[field]) params.set(param, '1');
	for (const [param, field] of Object.entries(TAGS)) for (const v of q.tags?.[field] ?? []) params.append(param, v);
	return params;
}

/** A query with nothing in it searches everything: views show a prompt instead. */
export function isEmptyQuery(q: SearchQuery): boolean {
	return paramsFromQuery({ ...q, hidden: false }).size === 0;
}

export type { ContentKind, DeviceId, LocationId };
