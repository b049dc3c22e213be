import {
	Virtualizer,
	elementScroll,
	observeElementOffset,
	observeElementRect,
	type VirtualItem
} from '@tanstack/virtual-core';

/**
 * Rows of a fixed height in a scrolling element, of which only those in view (and a few
 * around) are rendered: @tanstack/virtual-core does the arithmetic and the scroll tracking.
 * A folder of 100,000 entries is then a few dozen elements.
 */
export class VirtualRows {
	/** The rows to render, each with its index and offset. */
	items = $state.raw<VirtualItem[]>([]);
	/** Height of all rows together, for the spacer. */
	size = $state(0);
	#virtualizer: Virtualizer<HTMLElement, Element>;

	constructor(count: number, rowHeight: number, overscan = 6) {
		this.#virtualizer = new Virtualizer<HTMLElement, Element>({
			count,
			getScrollElement: () => null,
			estimateSize: () => rowHeight,
			overscan,
			scrollToFn: elementScroll,
			observeElementRect,
			observeElementOffset,
			onChange: (v) => this.#refresh(v)
		});
	}

	/** Starts following a scrolling element; returns the stop function (for an $effect). */
	attach(element: HTMLElement): () => void {
		this.#virtualizer.setOptions({ ...this.#virtualizer.options, getScrollElement: () => element });
		const stop = this.#virtualizer._didMount();
		this.#virtualizer._willUpdate();
		this.#refresh(this.#virtualizer);
		return stop;
	}

	/** New row count or height (a folder changed, the grid got more columns). */
	update(count: number, rowHeight: number): void {
		const v = this.#virtualizer;
		if (v.options.count === count && v.options.estimateSize(0) === rowHeight) return;
		v.setOptions({ ...v.options, count, estimateSize: () => rowHeight });
		v.measure();
		v._willUpdate();
		this.#refresh(v);
	}

	/** Scrolls the least needed to show a row. */
	show(index: number): void {
		this.#virtualizer.scrollToIndex(index, { align: 'auto' });
	}

	#refresh(v: Virtualizer<HTMLElement, Element>): void {
		this.items = v.getVirtualItems();
		this.size = v.getTotalSize();
	}
}
