import { describe, expect, it } from 'vitest';
import { isUuid, newId } from '../../src/lib/vdfs/ids';

describe('ids', () => {
	it('makes RFC 9562 version 7 UUIDs', () => {
		const id = newId<string>();
		expect(isUuid(id)).toBe(true);
		expect(id[14]).toBe('7');
		expect('89ab').toContain(id[19]);
		const ms = parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
		expect(Math.abs(ms - Date.now())).toBeLessThan(5_000);
	});

	it('sorts in creation order, also many within one millisecond, and never repeats', () => {
		const ids = Array.from({ length: 20_000 }, () => newId<string>());
		expect([...ids].sort()).toEqual(ids);
		expect(new Set(ids).size).toBe(ids.length);
	});
});
