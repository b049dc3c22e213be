import type { BrowseEntry, BrowseOptions, FolderView, LocationId } from '$lib/vdfs/api';
import { coreStore } from '../app/core.svelte';

/** What the grid and list views read: a long list of which only the rows in view are loaded. */
export interface EntryWindow {
	readonly total: number;
	/** `disk`: listed from the file system, before the index has it (sizes of folders unknown). */
	readonly from: FolderView['from'];
	/** What is loaded at an index (asking for its page if it is not). */
	entry(index: number): BrowseEntry | undefined;
	/** What is loaded at an index, without fetching anything. */
	peek(index: number): BrowseEntry | undefined;
}

/** Entries fetched per call. */
export const PAGE = 200;
/** Pages kept; the rest are fetched again when scrolled back to. */
const KEEP_PAGES = 24;

/**
 * A folder's children as a long list of which only the pages in view are fetched: entry(i)
 * returns what is loaded (or undefined, and asks for its page). reload() fetches again the
 * pages read since the last reload (those on screen), not every page kept; the old rows stay
 * until the new ones arrive. A page that fails is not asked for again until the next reload.
 */
export class FolderWindow implements EntryWindow {
	total = $state(0);
	from = $state<FolderView['from']>('index');
	indexing = $state(false);
	/** The first page came in. */
	ready = $state(false);
	error = $state<{ code: string; message: string } | null>(null);
	/** Bumped when a page arrives: readers of entry() re-run. */
	#version = $state(0);
	// Plain collections on purpose: #version is the one signal, bumped once per page.
	// eslint-disable-next-line svelte/prefer-svelte-reactivity
	#pages = new Map<number, BrowseEntry[]>();
	// eslint-disable-next-line svelte/prefer-svelte-reactivity
	#loading = new Set<number>();
	// eslint-disable-next-line svelte/prefer-svelte-reactivity
	#failed = new Set<number>();
	/** Pages read since the last reload: what a reload fetches again. */
	// eslint-disable-next-line svelte/prefer-svelte-reactivity
	#touched = new Set<number>();
	#generation = 0;

	constructor(
		readonly location: LocationId,
		readonly path: string,
		readonly options: Pick<BrowseOptions, 'sort' | 'descending' | 'only'>
	) {
		// Made inside a $derived, where no state may change: the first fetch starts after it.
		this.#want(0);
	}

	entry(index: number): BrowseEntry | undefined {
		void this.#version;
		const page = Math.floor(index / PAGE);
		this.#touched.add(page);
		const rows = this.#pages.get(page);
		if (!rows) {
			this.#want(page);
			return undefined;
		}
		// Most recently used last, so the oldest pages are dropped first.
		this.#pages.delete(page);
		this.#pages.set(page, rows);
		return rows[index - page * PAGE];
	}

	/** What is loaded at an index, without fetching anything (for ranges over many pages). */
	peek(index: number): BrowseEntry | undefined {
		const page = Math.floor(index / PAGE);
		return this.#pages.get(page)?.[index - page * PAGE];
	}

	/** Fetches again the pages read since the last reload (the folder changed). */
	reload(): void {
		const generation = ++this.#generation;
		this.#loading.clear();
		this.#failed.clear();
		const pages = this.#touched.size > 0 ? [...this.#touched] : [0];
		this.#touched.clear();
		// Pages off screen are dropped: fetched afresh if scrolled back to.
		for (const page of [...this.#pages.keys()]) if (!pages.includes(page)) this.#pages.delete(page);
		for (const page of pages) void this.#load(page, generation);
	}

	#want(page: number): void {
		if (this.#loading.has(page) || this.#failed.has(page)) return;
		this.#loading.add(page);
		// Not during render: the fetch starts once the current update is done.
		queueMicrotask(() => void this.#load(page, this.#generation));
	}

	async #load(page: number, generation: number): Promise<void> {
		this.#loading.add(page);
		try {
			const view = await coreStore.api.browseFolder(this.location, this.path, {
				...this.options,
				offset: page * PAGE,
				limit: PAGE
			});
			if (generation !== this.#generation) return;
			this.#pages.set(page, view.entries);
			while (this.#pages.size > KEEP_PAGES) this.#pages.delete(this.#pages.keys().next().value as number);
			this.total = view.total;
			this.from = view.from;
			this.indexing = view.indexing;
			this.error = null;
			this.ready = true;
		} catch (e) {
			if (generation !== this.#generation) return;
			this.#failed.add(page);
			this.error = {
				code: (e as { code?: string }).code ?? 'Internal',
				message: e instanceof Error ? e.message : String(e)
			};
		} finally {
			if (generation === this.#generation) this.#loading.delete(page);
			this.#version++;
		}
	}
}
