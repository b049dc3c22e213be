import type { SearchHit, SearchQuery, SearchSort } from '$lib/vdfs/api';
import { coreStore } from '../app/core.svelte';
import type { EntryWindow } from '../explorer/folder-window.svelte';

const PAGE = 200;
const KEEP_PAGES = 12;

/**
 * Search results as a long list for the grid and list views: pages fetched as they come into
 * view. While the total is only "at least" (a very common word), the list grows a page at a
 * time as the end is reached. Each search box is a channel: typing on replaces the searches
 * still waiting, and answers to an older search are dropped.
 */
export class SearchWindow implements EntryWindow {
	total = $state(0);
	/** `total` is exact (else at least that many). */
	exact = $state(true);
	ready = $state(false);
	error = $state<{ code: string; message: string } | null>(null);
	readonly from = 'index' as const;
	#version = $state(0);
	// Plain collections on purpose: #version is the one signal, bumped once per page.
	// eslint-disable-next-line svelte/prefer-svelte-reactivity
	#pages = new Map<number, SearchHit[]>();
	// eslint-disable-next-line svelte/prefer-svelte-reactivity
	#loading = new Set<number>();
	#generation = 0;

	constructor(
		readonly query: SearchQuery,
		readonly options: { sort: SearchSort; descending: boolean },
		readonly channel: string
	) {
		this.#want(0);
	}

	entry(index: number): SearchHit | undefined {
		void this.#version;
		const page = Math.floor(index / PAGE);
		const rows = this.#pages.get(page);
		if (!rows) {
			this.#want(page);
			return undefined;
		}
		this.#pages.delete(page);
		this.#pages.set(page, rows);
		return rows[index - page * PAGE];
	}

	peek(index: number): SearchHit | undefined {
		const page = Math.floor(index / PAGE);
		return this.#pages.get(page)?.[index - page * PAGE];
	}

	/** Fetches again what is loaded (the library changed). */
	reload(): void {
		const generation = ++this.#generation;
		this.#loading.clear();
		const pages = this.#pages.size > 0 ? [...this.#pages.keys()] : [0];
		for (const page of pages) void this.#load(page, generation);
	}

	#want(page: number): void {
		if (this.#loading.has(page)) return;
		this.#loading.add(page);
		queueMicrotask(() => void this.#load(page, this.#generation));
	}

	async #load(page: number, generation: number): Promise<void> {
		this.#loading.add(page);
		try {
			const result = await coreStore.api.search(this.query, {
				...this.options,
				offset: page * PAGE,
				limit: PAGE,
				// Per page: the next page of this search must not replace its first.
				channel: `${this.channel}:${page}`
			});
			if (generation !== this.#generation) return;
			this.#pages.set(page, result.hits);
			while (this.#pages.size > KEEP_PAGES) this.#pages.delete(this.#pages.keys().next().value as number);
			this.exact = result.totalExact;
			// "At least": as far as pages reach, and one page more while they come full.
			const reached = page * PAGE + result.hits.length + (result.hits.length === PAGE ? PAGE : 0);
			this.total = result.totalExact ? result.total : Math.max(reached, page === 0 ? 0 : this.total);
			this.error = null;
			this.ready = true;
		} catch (e) {
			if (generation !== this.#generation) return;
			const code = (e as { code?: string }).code ?? 'Internal';
			// Replaced by a newer search on the channel: that one answers.
			if (code === 'Cancelled') return;
			this.error = { code, message: e instanceof Error ? e.message : String(e) };
			this.ready = true;
		} finally {
			if (generation === this.#generation) this.#loading.delete(page);
			this.#version++;
		}
	}
}
