import type { Selection } from './selection.svelte';

/** A rectangle in the scrolled content's coordinates (0, 0: the top left of the first row). */
export interface Box {
	x: number;
	y: number;
	width: number;
	height: number;
}

/** How close to the top or bottom edge a drag scrolls, and how fast (px a frame at the edge). */
const EDGE = 40;
const SPEED = 24;
/** Movement before a press on empty space becomes a band rather than a click. */
const SLOP = 4;

/**
 * Rubber-band selection with a mouse: a press on empty space in a view and a drag draws a
 * rectangle and selects what it touches (added to the selection with Ctrl/Cmd or Shift). The
 * view says which indices a rectangle touches, from its own layout: rows and tiles are
 * virtual, so there are no elements to hit-test. Near the top or bottom edge the view scrolls
 * and the band grows with it. A click on empty space clears the selection.
 */
export class RubberBand {
	/** The rectangle to draw, while dragging. */
	box = $state<Box | null>(null);

	constructor(
		private readonly hits: (box: Box) => number[],
		private readonly selection: () => Selection,
		private readonly nameAt: (index: number) => string | undefined
	) {}

	/** Handler for pointerdown on the scrolling element. */
	onpointerdown = (event: PointerEvent): void => {
		const scroller = event.currentTarget as HTMLElement;
		if (event.pointerType !== 'mouse' || event.button !== 0) return;
		// Only on empty space: a press on an item is that item's.
		if ((event.target as Element).closest('[role=option]')) return;
		// The scrollbar: the press lands outside the content box.
		const bounds = scroller.getBoundingClientRect();
		if (event.clientX >= bounds.left + scroller.clientWidth || event.clientY >= bounds.top + scroller.clientHeight)
			return;
		event.preventDefault();
		scroller.focus({ preventScroll: true });
		scroller.setPointerCapture(event.pointerId);

		const selection = this.selection();
		const adding = event.ctrlKey || event.metaKey || event.shiftKey;
		// A snapshot, read only while dragging: not state.
		// eslint-disable-next-line svelte/prefer-svelte-reactivity
		const base = adding && !selection.all ? new Set(selection.names) : new Set<string>();
		// With everything selected, adding to it changes nothing.
		const inert = adding && selection.all;
		// Names of the rows touched so far, by index: a page that scrolled away may be dropped
		// (and reloaded) while the band still covers it.
		// eslint-disable-next-line svelte/prefer-svelte-reactivity
		const known = new Map<number, string>();
		let touched: number[] = [];
		const point = (clientX: number, clientY: number) => ({
			x: clientX - bounds.left + scroller.scrollLeft,
			y: clientY - bounds.top + scroller.scrollTop
		});
		const origin = point(event.clientX, event.clientY);
		let last = { x: event.clientX, y: event.clientY };
		let dragging = false;
		let frame = 0;

		const update = () => {
			const here = point(last.x, last.y);
			const box: Box = {
				x: Math.min(origin.x, here.x),
				y: Math.min(origin.y, here.y),
				width: Math.abs(here.x - origin.x),
				height: Math.abs(here.y - origin.y)
			};
			this.box = box;
			if (inert) return;
			touched = this.hits(box);
			const names: string[] = [];
			for (const i of touched) {
				const name = this.nameAt(i) ?? known.get(i);
				if (name === undefined) continue;
				known.set(i, name);
				names.push(name);
			}
			selection.band(names, base);
		};

		// While the pointer rests near an edge, the view keeps scrolling.
		const scroll = () => {
			frame = 0;
			const above = bounds.top + EDGE - last.y;
			const below = last.y - (bounds.bottom - EDGE);
			const by = above > 0 ? -Math.min(SPEED, above) : below > 0 ? Math.min(SPEED, below) : 0;
			if (by === 0) return;
			const before = scroller.scrollTop;
			scroller.scrollTop += by;
			if (scroller.scrollTop !== before) update();
			frame = requestAnimationFrame(scroll);
		};

		const move = (e: PointerEvent) => {
			last = { x: e.clientX, y: e.clientY };
			if (!dragging && Math.hypot(e.clientX - event.clientX, e.clientY - event.clientY) < SLOP) return;
			dragging = true;
			update();
			if (!frame) frame = requestAnimationFrame(scroll);
		};
		const end = (e: PointerEvent) => {
			scroller.removeEventListener('pointermove', move);
			scroller.removeEventListener('pointerup', end);
			scroller.removeEventListener('pointercancel', end);
			if (frame) cancelAnimationFrame(frame);
			if (scroller.hasPointerCapture(e.pointerId)) scroller.releasePointerCapture(e.pointerId);
			this.box = null;
			if (!dragging && !adding && e.type === 'pointerup') selection.clear();
			// Keys and Shift-ranges go on from the band (the inspector follows, now the view
			// under the band no longer matters).
			if (dragging && touched.length > 0) {
				selection.anchor = touched[0];
				selection.focus = touched[touched.length - 1];
			}
		};
		scroller.addEventListener('pointermove', move);
		scroller.addEventListener('pointerup', end);
		scroller.addEventListener('pointercancel', end);
	};
}

/** The indices of a grid's tiles (`columns` a row, each `tile` by `row` px) a box touches. */
export function gridHits(box: Box, total: number, columns: number, tile: number, row: number): number[] {
	const firstRow = Math.max(0, Math.floor(box.y / row));
	const lastRow = Math.floor((box.y + box.height) / row);
	const firstColumn = Math.max(0, Math.floor(box.x / tile));
	const lastColumn = Math.min(columns - 1, Math.floor((box.x + box.width) / tile));
	const hits: number[] = [];
	for (let r = firstRow; r <= lastRow; r++) {
		for (let c = firstColumn; c <= lastColumn; c++) {
			const index = r * columns + c;
			if (index < total) hits.push(index);
		}
	}
	return hits;
}

/** The indices of a list's rows (each `row` px tall) a box touches. */
export function listHits(box: Box, total: number, row: number): number[] {
	const first = Math.max(0, Math.floor(box.y / row));
	const last = Math.min(total - 1, Math.floor((box.y + box.height) / row));
	return Array.from({ length: Math.max(0, last - first + 1) }, (_, i) => first + i);
}
