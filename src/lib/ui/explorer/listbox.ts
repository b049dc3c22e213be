import type { BrowseEntry } from '$lib/vdfs/api';
import { keyOf, type Selection } from './selection.svelte';

/**
 * The attributes every view's scrolling list carries: a multi-select listbox whose keys are
 * its own (the explorer moves the focus row) and whose focused row is its active descendant.
 */
export function listboxAttributes(selection: Selection, onkeydown: (event: KeyboardEvent) => void) {
	return {
		role: 'listbox',
		'aria-multiselectable': true,
		'aria-label': 'Folder contents',
		'aria-activedescendant': selection.focus >= 0 ? `entry-${selection.focus}` : undefined,
		tabindex: 0,
		'data-testid': 'explorer-scroller',
		onkeydown
	} as const;
}

/** The attributes of one row or tile (`entry` is undefined while its page loads). */
export function optionAttributes(selection: Selection, index: number, entry: BrowseEntry | undefined) {
	return {
		role: 'option',
		tabindex: -1,
		'aria-selected': entry ? selection.has(keyOf(entry)) : false,
		'data-testid': entry ? 'folder-entry' : 'entry-loading',
		'data-name': entry?.name,
		'data-index': index,
		id: `entry-${index}`
	} as const;
}
