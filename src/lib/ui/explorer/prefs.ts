import type { BrowseSort } from '$lib/vdfs/api';

export type ViewKind = 'grid' | 'list' | 'media' | 'columns';

/** How a place is shown: remembered per place (a folder, a search, a tag). */
export interface ViewPrefs {
	view: ViewKind;
	sort: BrowseSort;
	descending: boolean;
}

export const DEFAULT_PREFS: ViewPrefs = { view: 'grid', sort: 'name', descending: false };

const KEY = 'orrery.view.';
const VIEWS: ViewKind[] = ['grid', 'list', 'media', 'columns'];
const SORTS: BrowseSort[] = ['name', 'kind', 'size', 'mtime', 'taken'];

/**
 * A place's view and sort, from localStorage: a per-device display choice, not library data
 * (it is not synced). A place never chosen for takes the last choice made anywhere.
 */
export function loadPrefs(place: string): ViewPrefs {
	for (const key of [KEY + place, KEY + '*']) {
		try {
			const raw = JSON.parse(localStorage.getItem(key) ?? 'null') as Partial<ViewPrefs> | null;
			if (raw) {
				return {
					view: VIEWS.includes(raw.view as ViewKind) ? (raw.view as ViewKind) : DEFAULT_PREFS.view,
					sort: SORTS.includes(raw.sort as BrowseSort) ? (raw.sort as BrowseSort) : DEFAULT_PREFS.sort,
					descending: raw.descending === true
				};
			}
		} catch {
			// A damaged value: the defaults.
		}
	}
	return { ...DEFAULT_PREFS };
}

export function savePrefs(place: string, prefs: ViewPrefs): void {
	try {
		const value = JSON.stringify(prefs);
		localStorage.setItem(KEY + place, value);
		localStorage.setItem(KEY + '*', value);
	} catch {
		// Storage full or blocked: the choice lasts for this visit.
	}
}
