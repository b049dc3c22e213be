/** How long a touch must rest to count as a long press (Android and ChromeOS use about this). */
export const LONG_PRESS_MS = 500;

/**
 * The click a lifted finger sends after a long press lands on whatever is under it by then (the
 * menu's backdrop, which would close the menu at once): it is dropped, wherever it lands.
 */
function swallowNextClick(): void {
	const swallow = (event: Event) => {
		event.stopPropagation();
		event.preventDefault();
		window.removeEventListener('click', swallow, true);
	};
	window.addEventListener('click', swallow, true);
	// A press that ends without a click (the finger slid away) must not eat a later one.
	setTimeout(() => window.removeEventListener('click', swallow, true), 3000);
}

/**
 * Long-press for touch: a finger held still on an item for LONG_PRESS_MS calls `onlong` (with
 * where it was), and the click that follows the lift is swallowed, so the item is not also
 * opened. Mouse and pen are left to click and right-click.
 */
export function longPress(onlong: (x: number, y: number) => void) {
	let timer: ReturnType<typeof setTimeout> | null = null;
	let start = { x: 0, y: 0 };
	let fired = false;
	const cancel = () => {
		if (timer) clearTimeout(timer);
		timer = null;
	};
	return {
		onpointerdown(event: PointerEvent) {
			fired = false;
			if (event.pointerType !== 'touch') return;
			start = { x: event.clientX, y: event.clientY };
			cancel();
			timer = setTimeout(() => {
				timer = null;
				fired = true;
				swallowNextClick();
				onlong(start.x, start.y);
			}, LONG_PRESS_MS);
		},
		onpointermove(event: PointerEvent) {
			if (timer && Math.hypot(event.clientX - start.x, event.clientY - start.y) > 10) cancel();
		},
		onpointerup: cancel,
		onpointercancel: cancel,
		/** True once for the click after a long press: the caller ignores that click. */
		swallowClick(): boolean {
			const was = fired;
			fired = false;
			return was;
		}
	};
}

/** What a view does with an item: pick it (click, tap), open it, or show its menu. */
export interface ItemActions {
	onpick: (index: number, event: MouseEvent | PointerEvent) => void;
	onopen: (index: number) => void;
	/** Right-click, or a long press on touch (`touch`): the context menu at a point. */
	onmenu: (index: number, x: number, y: number, touch: boolean) => void;
	/** A mouse drag of the item (onto a sidebar tag); without it items are not draggable. */
	ondrag?: (index: number, event: DragEvent) => void;
	/** Something dragged over the item: true when it may be dropped there (a folder). */
	ondragover?: (index: number, event: DragEvent) => boolean;
	ondrop?: (index: number, event: DragEvent) => void;
}

/**
 * The event handlers of one item of a view, to spread on it: a click picks, a double-click
 * opens, a right-click or a long press shows the menu (and the click after a long press is
 * not a pick).
 */
export function itemEvents(actions: () => ItemActions) {
	let pressed = -1;
	const press = longPress((x, y) => actions().onmenu(pressed, x, y, true));
	return (index: number) => ({
		draggable: actions().ondrag ? ('true' as const) : undefined,
		ondragstart: (e: DragEvent) => actions().ondrag?.(index, e),
		ondragover: (e: DragEvent) => {
			if (actions().ondragover?.(index, e)) e.preventDefault();
		},
		ondrop: (e: DragEvent) => actions().ondrop?.(index, e),
		onclick: (e: MouseEvent) => {
			if (!press.swallowClick()) actions().onpick(index, e);
		},
		ondblclick: () => actions().onopen(index),
		oncontextmenu: (e: MouseEvent) => {
			e.preventDefault();
			if (e.button === 2 || !press.swallowClick()) actions().onmenu(index, e.clientX, e.clientY, false);
		},
		onpointerdown: (e: PointerEvent) => {
			pressed = index;
			press.onpointerdown(e);
		},
		onpointermove: press.onpointermove,
		onpointerup: press.onpointerup,
		onpointercancel: press.onpointercancel
	});
}
