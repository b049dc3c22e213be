export interface TreemapRect {
	x: number;
	y: number;
	w: number;
	h: number;
}

/**
 * Lays `values` out as rectangles filling `width` × `height`, each with an area proportional to
 * its value, by the squarified algorithm (Bruls, Huizing and van Wijk, 2000): rows are filled
 * along the shorter side while that keeps the worst aspect ratio falling, so tiles stay close to
 * squares and their labels fit. The rectangles come back in the order of `values`; a value of
 * zero or less gets an empty rectangle.
 */
export function squarify(values: readonly number[], width: number, height: number): TreemapRect[] {
	const rects: TreemapRect[] = values.map(() => ({ x: 0, y: 0, w: 0, h: 0 }));
	const total = values.reduce((sum, v) => (v > 0 ? sum + v : sum), 0);
	if (total <= 0 || width <= 0 || height <= 0) return rects;

	const scale = (width * height) / total;
	const order = values
		.map((value, index) => ({ index, area: value * scale }))
		.filter((item) => item.area > 0)
		.sort((a, b) => b.area - a.area);
	const free: TreemapRect = { x: 0, y: 0, w: width, h: height };

	let row: typeof order = [];
	for (const item of order) {
		const side = Math.min(free.w, free.h);
		if (row.length === 0 || worst([...row, item], side) <= worst(row, side)) {
			row.push(item);
		} else {
			place(row, free, rects);
			row = [item];
		}
	}
	if (row.length > 0) place(row, free, rects);
	return rects;
}

/** The largest aspect ratio (≥ 1) of a row of `areas` laid along a side of length `side`. */
function worst(row: readonly { area: number }[], side: number): number {
	let sum = 0;
	let max = 0;
	let min = Infinity;
	for (const { area } of row) {
		sum += area;
		max = Math.max(max, area);
		min = Math.min(min, area);
	}
	const s2 = side * side;
	return Math.max((s2 * max) / (sum * sum), (sum * sum) / (s2 * min));
}

/** Lays a row along the shorter side of `free` and takes its strip off `free`. */
function place(row: readonly { index: number; area: number }[], free: TreemapRect, rects: TreemapRect[]): void {
	const sum = row.reduce((s, item) => s + item.area, 0);
	if (free.w >= free.h) {
		// A column at the left, as wide as its area needs over the full height.
		const w = Math.min(free.w, sum / free.h);
		let y = free.y;
		for (const item of row) {
			const h = item.area / w;
			rects[item.index] = { x: free.x, y, w, h };
			y += h;
		}
		free.x += w;
		free.w -= w;
	} else {
		const h = Math.min(free.h, sum / free.w);
		let x = free.x;
		for (const item of row) {
			const w = item.area / h;
			rects[item.index] = { x, y: free.y, w, h };
			x += w;
		}
		free.y += h;
		free.h -= h;
	}
}
