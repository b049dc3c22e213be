import { describe, expect, it } from 'vitest';
import type { SearchQuery, TagId } from '../../src/lib/vdfs/api';
import { isEmptyQuery, paramsFromQuery, queryFromParams } from '../../src/lib/ui/search/query-url';

describe('a search as an address', () => {
	it('round-trips every field', () => {
		const q: SearchQuery = {
			text: 'beach 2024',
			kinds: ['image', 'video'],
			extensions: ['jpg'],
			minSize: 1024,
			maxSize: 2048,
			modifiedFrom: 1,
			modifiedTo: 2,
			takenFrom: 3,
			takenTo: 4,
			tags: { any: ['a' as TagId, 'b' as TagId], all: ['c' as TagId], none: ['d' as TagId] },
			favorites: true,
			duplicates: true,
			unidentified: true,
			hidden: true
		};
		expect(queryFromParams(new URLSearchParams(paramsFromQuery(q).toString()))).toEqual(q);
	});

	it('drops what is malformed, and knows an empty search', () => {
		expect(queryFromParams(new URLSearchParams('min=abc&fav=0&kind=&q='))).toEqual({});
		expect(isEmptyQuery({ hidden: true })).toBe(true);
		expect(isEmptyQuery({ text: 'x' })).toBe(false);
	});
});
