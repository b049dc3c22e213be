// The 50 searches of `bench search`: ten words typed letter by letter, as a search box sends
// them, half of them beside the filters a person would pick for that word.
const DAY = 86_400_000;

/**
 * @param {{ now: number, tags: Record<string, string>, locations: Record<string, string> }} library
 * @returns {{ text: string, [filter: string]: unknown }[]}
 */
export function benchQueries({ now, tags, locations }) {
	/** @type {[string, object][]} */
	const words = [
		// Without filters.
		['beach', {}],
		['invoic', {}],
		['notes', {}],
		['2023', {}],
		['readm', {}],
		// With filters.
		['screen', { extensions: ['png'], modifiedFrom: now - 90 * DAY }],
		[
			'img_20',
			{ kinds: ['image'], locations: [locations.phone], takenFrom: Date.UTC(2023, 0, 1), takenTo: Date.UTC(2024, 0, 1) }
		],
		['rep', { kinds: ['document'], modifiedFrom: now - 365 * DAY }],
		['love', { kinds: ['audio'], locations: [locations.home] }],
		['tax', { tags: { any: [tags.receipts] } }],
		['dsc', { duplicates: true, minSize: 5 * 2 ** 20 }]
	];
	const queries = [];
	for (const [word, filters] of words) {
		for (let n = 1; n <= word.length; n++) queries.push({ text: word.slice(0, n), ...filters });
	}
	return queries;
}
