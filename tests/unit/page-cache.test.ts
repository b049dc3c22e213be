import { describe, expect, it } from 'vitest';
import { pageCacheMiB } from '../../src/lib/vdfs/db/page-cache';
import { openMemoryLibrary } from './helpers';

describe('a library connection’s page cache', () => {
	it('follows the memory the device says it has', () => {
		expect(pageCacheMiB(0.5)).toBe(32);
		expect(pageCacheMiB(2)).toBe(32);
		expect(pageCacheMiB(4)).toBe(128);
		expect(pageCacheMiB(8)).toBe(128);
		expect(pageCacheMiB(undefined)).toBe(64);
	});

	it('is what an opened library’s connection uses', async () => {
		const lib = await openMemoryLibrary();
		expect(lib.sql.value<number>('PRAGMA cache_size')).toBe(-pageCacheMiB() * 1024);
	});
});
