import type { LocationKind } from '../api';
import type { LocationRoots, WatchChange } from '../fs/roots';
import type { LocationId } from '../ids';

type Location = { id: LocationId; kind: LocationKind };

interface Watch {
	stop: () => void;
	/**
	 * Whether the index is true outside `dirty`: a walk finished while this watch ran from
	 * before its start, and no record was lost since.
	 */
	trusted: boolean;
	/** Folders changed since the running (or last) index job started. */
	dirty: Set<string>;
	/** What the running job took over from `dirty`, given back if it does not finish. */
	taken: Set<string> | null;
	/** A record was lost while the job ran: its walk cannot be trusted. */
	lostDuringJob: boolean;
	timer: ReturnType<typeof setTimeout> | null;
	/** File operations running on the location: live updates wait for them (see hold). */
	held: number;
	/** Records were lost while held: the update after is a full walk. */
	heldFull: boolean;
}

/** What an index job of a watched location is told. */
export interface WatchPlan {
	/** Folders changed since the last job started. */
	dirty: ReadonlySet<string>;
	/** The index is true outside `dirty` (and for names it has not seen). */
	trusted: boolean;
}

/** How long changes settle before a live update runs: a copy of many files is one job. */
export const SETTLE_MS = 700;

/**
 * Keeps a watch (FileSystemObserver) on each location of the open library. Changes mark their
 * folders dirty and, once settled, ask for a live update (`onDirty`). While a watch has run
 * unbroken since a complete walk, rescans read sizes and mtimes only in dirty folders and of
 * names not seen before; a lost record ('unknown') or an ended watch drops that trust, and the
 * next walk reads everything again.
 */
export class Watches {
	#watches = new Map<LocationId, Watch>();
	#starting = new Map<LocationId, Promise<void>>();

	constructor(
		private readonly roots: LocationRoots,
		/** A location has changes to index (`full`: records were lost, walk it all). */
		private readonly onDirty: (id: LocationId, full: boolean) => void
	) {}

	has(id: LocationId): boolean {
		return this.#watches.has(id);
	}

	/** Starts watching a location (no-op if watched, or if it cannot be watched). */
	start(location: Location): Promise<void> {
		if (this.#watches.has(location.id) || !this.roots.watch) return Promise.resolve();
		let starting = this.#starting.get(location.id);
		if (!starting) {
			starting = this.#start(location).finally(() => this.#starting.delete(location.id));
			this.#starting.set(location.id, starting);
		}
		return starting;
	}

	async #start(location: Location): Promise<void> {
		const stop = await Promise.resolve(
			this.roots.watch?.(location, (change) => this.#change(location.id, change))
		).catch(() => null);
		if (!stop) return;
		this.#watches.set(location.id, {
			stop,
			trusted: false,
			dirty: new Set(),
			taken: null,
			lostDuringJob: false,
			timer: null,
			held: 0,
			heldFull: false
		});
	}

	stop(id: LocationId): void {
		const watch = this.#watches.get(id);
		if (!watch) return;
		if (watch.timer) clearTimeout(watch.timer);
		watch.stop();
		this.#watches.delete(id);
	}

	/** Stops every watch but those of `keep`. */
	stopAllBut(keep: ReadonlySet<LocationId>): void {
		for (const id of [...this.#watches.keys()]) if (!keep.has(id)) this.stop(id);
	}

	/** An index job of the location starts: what changed and whether the rest is trusted (null: not watched). */
	beginJob(id: LocationId): WatchPlan | null {
		const watch = this.#watches.get(id);
		if (!watch) return null;
		const taken = watch.dirty;
		watch.dirty = new Set();
		watch.taken = taken;
		watch.lostDuringJob = false;
		return { dirty: taken, trusted: watch.trusted };
	}

	/**
	 * The job ended. Finished, it keeps the index trusted, or makes it so when it walked the
	 * whole location (`covered`: not a live update, not resumed from a checkpoint older than
	 * this watch) with this watch running from its start; stopped, it gives its folders back.
	 */
	endJob(id: LocationId, complete: boolean, covered: boolean): void {
		const watch = this.#watches.get(id);
		if (!watch) return;
		// No beginJob on this watch: the job started before the watch did and proves nothing.
		const began = watch.taken !== null;
		if (complete && began && !watch.lostDuringJob) {
			if (covered) watch.trusted = true;
		} else {
			for (const dir of watch.taken ?? []) watch.dirty.add(dir);
			if (!began || watch.lostDuringJob) watch.trusted = false;
		}
		watch.taken = null;
		if (watch.dirty.size > 0) this.#settle(id, watch, false);
	}

	/** Orrery changed a folder itself: a live update follows as for a watched change. False if unwatched. */
	markDirty(id: LocationId, dir: string): boolean {
		if (!this.#watches.has(id)) return false;
		this.#change(id, { dirs: [dir] });
		return true;
	}

	#change(id: LocationId, change: WatchChange): void {
		const watch = this.#watches.get(id);
		if (!watch) return;
		if ('lost' in change) {
			watch.trusted = false;
			watch.lostDuringJob = true;
			if (change.lost === 'errored') {
				// The folder went away or access was revoked: the next rescan says which.
				this.stop(id);
				return;
			}
			this.#settle(id, watch, true);
			return;
		}
		for (const dir of change.dirs) watch.dirty.add(dir);
		this.#settle(id, watch, false);
	}

	/**
	 * A file operation writes here: the changes it makes are its own (it indexes them as it
	 * goes), so no live update runs meanwhile. One racing it could see a moved file gone before
	 * the operation moved its row, and drop the entry's id with it. What changed is walked after.
	 */
	hold(id: LocationId): void {
		const watch = this.#watches.get(id);
		if (!watch) return;
		watch.held++;
		if (watch.timer) {
			clearTimeout(watch.timer);
			watch.timer = null;
		}
	}

	release(id: LocationId): void {
		const watch = this.#watches.get(id);
		if (!watch || watch.held === 0) return;
		watch.held--;
		if (watch.held > 0) return;
		const full = watch.heldFull;
		watch.heldFull = false;
		if (watch.dirty.size > 0 || full) this.#settle(id, watch, full);
	}

	#settle(id: LocationId, watch: Watch, full: boolean): void {
		if (watch.held > 0) {
			watch.heldFull ||= full;
			return;
		}
		if (watch.timer) clearTimeout(watch.timer);
		watch.timer = setTimeout(() => {
			watch.timer = null;
			this.onDirty(id, full);
		}, SETTLE_MS);
	}
}
