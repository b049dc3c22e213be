import { SvelteSet } from 'svelte/reactivity';
import type { BrowseEntry } from '$lib/vdfs/api';

/**
 * What a selection holds for an entry: its name in a folder (unique there, and known before an
 * entry has an id), its place in a list from many folders (search results, a tag).
 */
export function keyOf(entry: BrowseEntry & { locationId?: string; dirPath?: string }): string {
	return entry.locationId === undefined ? entry.name : `${entry.locationId}/${entry.dirPath}/${entry.name}`;
}

/**
 * What is selected in a view, by name (unique in a folder, and known for entries listed from
 * disk before they have ids), with the focused row and the anchor of shift-ranges.
 */
export class Selection {
	names = new SvelteSet<string>();
	/** The row keyboard moves start from (-1: none). */
	focus = $state(-1);
	/** Where a shift-range starts. */
	anchor = $state(-1);
	/** Ctrl/Cmd+A: everything in the place, loaded or not, but `except`. */
	all = $state(false);
	/** With `all`: the names taken out since (Ctrl/Cmd-click). */
	except = new SvelteSet<string>();
	/** The row shown in quick preview (-1: none). */
	preview = $state(-1);

	has(name: string): boolean {
		return this.all ? !this.except.has(name) : this.names.has(name);
	}

	/** Names selected one by one (with `all`, see `except`). */
	get size(): number {
		return this.names.size;
	}

	/** Anything is selected. */
	get any(): boolean {
		return this.all || this.names.size > 0;
	}

	clear(): void {
		this.names.clear();
		this.except.clear();
		this.all = false;
	}

	/** Only this row. */
	only(index: number, name: string): void {
		this.clear();
		this.names.add(name);
		this.focus = index;
		this.anchor = index;
	}

	toggle(index: number, name: string): void {
		const set = this.all ? this.except : this.names;
		if (set.has(name)) set.delete(name);
		else set.add(name);
		this.focus = index;
		this.anchor = index;
	}

	/** The rows from the anchor to `index`, named by `nameAt` (rows not loaded are skipped). */
	range(index: number, nameAt: (i: number) => string | undefined): void {
		const from = this.anchor < 0 ? index : this.anchor;
		this.names.clear();
		this.all = false;
		for (let i = Math.min(from, index); i <= Math.max(from, index); i++) {
			const name = nameAt(i);
			if (name !== undefined) this.names.add(name);
		}
		this.focus = index;
	}

	/**
	 * A rubber band's rows added to `base`. The focus stays while it is drawn: the inspector,
	 * which follows it, would narrow the view under the band.
	 */
	band(names: readonly string[], base: ReadonlySet<string>): void {
		this.all = false;
		this.except.clear();
		// The new selection, worked out before `names` (the state) changes as little as it must.
		// eslint-disable-next-line svelte/prefer-svelte-reactivity
		const next = new Set(base);
		for (const name of names) next.add(name);
		for (const name of [...this.names]) if (!next.has(name)) this.names.delete(name);
		for (const name of next) if (!this.names.has(name)) this.names.add(name);
	}

	selectAll(): void {
		this.names.clear();
		this.except.clear();
		this.all = true;
	}
}
