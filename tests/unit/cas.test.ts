import { blake3 } from 'hash-wasm';
import { describe, expect, it } from 'vitest';
import { casId, casRanges, fileBytes, type RangedBytes } from '../../src/lib/vdfs/identity/cas';

/** `size` bytes with byte[i] = i % 251 (or zeros), made on demand: a 4 GiB file costs nothing. */
function pattern(size: number, zero = false): RangedBytes {
	return {
		size,
		read: (start, end) =>
			Promise.resolve(Uint8Array.from({ length: end - start }, (_, i) => (zero ? 0 : (start + i) % 251)))
	};
}

function leU64(n: number): Uint8Array {
	const b = new Uint8Array(8);
	new DataView(b.buffer).setBigUint64(0, BigInt(n), true);
	return b;
}

/** The same id the plain way: read the whole file, then cut the ranges out of it. */
async function straightforward(bytes: Uint8Array): Promise<string> {
	const size = bytes.length;
	const parts = [leU64(size)];
	if (size <= 102_400) parts.push(bytes);
	else {
		parts.push(bytes.subarray(0, 8192));
		const step = Math.floor((size - 16_384) / 4);
		for (let k = 0; k < 4; k++) parts.push(bytes.subarray(8192 + k * step, 8192 + k * step + 10_240));
		parts.push(bytes.subarray(size - 8192));
	}
	const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
	let at = 0;
	for (const p of parts) {
		all.set(p, at);
		at += p.length;
	}
	return (await blake3(all)).slice(0, 16);
}

describe('content ids (DESIGN.md §3, Spacedrive-compatible)', () => {
	it('match the published vectors', async () => {
		expect(await casId(fileBytes(new Blob(['hello world'])))).toBe('4d70ca83d92fed8e');
		expect(await casId(pattern(102_401))).toBe('17f74805066119da');
		expect(await casId(pattern(1_048_576))).toBe('5aefa86eb26df03d');
		expect(await casId(pattern(10_485_760, true))).toBe('17ac04bd0bdf7c99');
	});

	it('an empty file has none', async () => {
		expect(await casId(pattern(0))).toBeNull();
	});

	it('equal a straightforward full read at the edge sizes', async () => {
		for (const size of [1, 102_400, 102_401, 16_384 + 4 * 10_240 + 1, 300_000]) {
			const whole = await pattern(size).read(0, size);
			expect(await casId(fileBytes(new Blob([whole as BlobPart]))), `size ${size}`).toBe(await straightforward(whole));
		}
	});

	it('read only six small ranges of a file over 4 GiB', async () => {
		const size = 4 * 2 ** 30 + 1;
		const reads: [number, number][] = [];
		const source = pattern(size);
		const id = await casId({ size, read: (s, e) => (reads.push([s, e]), source.read(s, e)) });
		expect(id).toMatch(/^[0-9a-f]{16}$/);
		expect(reads).toEqual(casRanges(size));
		expect(reads.reduce((n, [s, e]) => n + e - s, 0)).toBe(2 * 8192 + 4 * 10_240);
		// The size goes in as a true 64-bit number: one byte more is another id.
		expect(await casId(pattern(size + 1))).not.toBe(id);
	});

	it('a file that changes while it is read gets no id', async () => {
		const short: RangedBytes = {
			size: 200_000,
			read: (s, e) => Promise.resolve(new Uint8Array(Math.max(0, e - s - 1)))
		};
		await expect(casId(short)).rejects.toThrow(/changed/);
	});
});
