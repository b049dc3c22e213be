import { describe, expect, it } from 'vitest';
import { squarify, type TreemapRect } from '../../src/lib/ui/stats/treemap';

const area = (r: TreemapRect) => r.w * r.h;
const aspect = (r: TreemapRect) => Math.max(r.w / r.h, r.h / r.w);

function overlaps(a: TreemapRect, b: TreemapRect): boolean {
	const eps = 1e-9;
	return a.x + eps < b.x + b.w && b.x + eps < a.x + a.w && a.y + eps < b.y + b.h && b.y + eps < a.y + a.h;
}

describe('squarify', () => {
	it("lays out the paper's example as Bruls et al. do: the two 6s first, as a column of two near-squares", () => {
		const rects = squarify([6, 6, 4, 3, 2, 2, 1], 6, 4);
		expect(rects[0]).toEqual({ x: 0, y: 0, w: 3, h: 2 });
		expect(rects[1]).toEqual({ x: 0, y: 2, w: 3, h: 2 });
		// The 4 and the 3 share a row across the top of the 3 × 4 left, 7/3 high.
		expect(rects[2].x).toBeCloseTo(3);
		expect(rects[3].x).toBeCloseTo(3 + 12 / 7);
		expect(rects[2].h).toBeCloseTo(7 / 3);
		expect(rects[3].h).toBeCloseTo(7 / 3);
		for (const r of rects) expect(aspect(r)).toBeLessThan(3);
	});

	it('gives every value an area proportional to it, inside the box, with no two tiles overlapping', () => {
		const values = [913, 5, 120, 120, 64, 1, 33, 400, 7, 250];
		const [width, height] = [640, 280];
		const rects = squarify(values, width, height);
		const total = values.reduce((a, b) => a + b, 0);
		values.forEach((v, i) => {
			const r = rects[i];
			expect(area(r)).toBeCloseTo((v / total) * width * height, 6);
			expect(r.x).toBeGreaterThanOrEqual(-1e-9);
			expect(r.y).toBeGreaterThanOrEqual(-1e-9);
			expect(r.x + r.w).toBeLessThanOrEqual(width + 1e-9);
			expect(r.y + r.h).toBeLessThanOrEqual(height + 1e-9);
		});
		for (let i = 0; i < rects.length; i++) {
			for (let j = i + 1; j < rects.length; j++) expect(overlaps(rects[i], rects[j]), `${i} and ${j}`).toBe(false);
		}
	});

	it('keeps tiles closer to squares than slicing the box into strips would', () => {
		const values = [50, 30, 10, 5, 3, 2];
		const rects = squarify(values, 400, 300);
		const worst = Math.max(...rects.map(aspect));
		// Slices of a 400-wide box: the 2% tile would be 8 × 300, an aspect of 37.5.
		expect(worst).toBeLessThan(4);
	});

	it('returns the rectangles in the order of the values, not sorted by size', () => {
		const rects = squarify([1, 9], 100, 100);
		expect(area(rects[0])).toBeCloseTo(1000);
		expect(area(rects[1])).toBeCloseTo(9000);
	});

	it('gives zero and negative values an empty tile, and empty input or an empty box no tiles', () => {
		const rects = squarify([0, 10, -3], 50, 20);
		expect(area(rects[0])).toBe(0);
		expect(rects[1]).toEqual({ x: 0, y: 0, w: 50, h: 20 });
		expect(area(rects[2])).toBe(0);
		expect(squarify([], 50, 20)).toEqual([]);
		expect(squarify([0, 0], 50, 20).map(area)).toEqual([0, 0]);
		expect(squarify([4, 5], 0, 20).map(area)).toEqual([0, 0]);
	});
});
