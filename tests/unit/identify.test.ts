import { describe, expect, it } from 'vitest';
import type { Core } from '../../src/lib/vdfs/core';
import type { EntryId, JobSummary, LocationId } from '../../src/lib/vdfs/api';
import type { MemoryTree } from '../../src/lib/vdfs/fs/memory-source';
import { casId, fileBytes } from '../../src/lib/vdfs/identity/cas';
import { identifyFile } from '../../src/lib/vdfs/identity/identify';
import { detectKind } from '../../src/lib/vdfs/identity/kind';
import { addMemoryLocation, libraryWithSource, startWithRoots, waitForJobs } from './helpers';

/** Bytes with a seeded pattern, so two calls with one seed are the same file. */
function bytes(size: number, seed = 1): Uint8Array {
	const b = new Uint8Array(size);
	let x = seed * 2654435761;
	for (let i = 0; i < size; i++) {
		x = (x * 1103515245 + 12345) >>> 0;
		b[i] = x >>> 24;
	}
	return b;
}

const file = (b: Uint8Array, mtime = 1) => ({ size: b.length, mtime, bytes: b });

const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 73, 72, 68, 82, 0, 0, 0, 1]);
const PDF = new TextEncoder().encode('%PDF-1.7\n%âãÏÓ\n1 0 obj\n<<>>\nendobj\n');
/** A zip whose first member is not an Office part: file-type calls it a zip. */
const ZIP = Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 20, 0, 0, 0, 0, 0, ...new Array(20).fill(0), 0x61]);

async function allDone(core: Core, ms = 10_000): Promise<JobSummary[]> {
	return waitForJobs(core, (js) => js.length > 0 && js.every((j) => j.state === 'done'), ms, [
		'index',
		'identify',
		'media',
		'checksum'
	]);
}

async function entryId(core: Core, loc: LocationId, dir: string, name: string): Promise<EntryId> {
	const row = (await core.listChildren(loc, dir)).find((e) => e.name === name);
	if (!row) throw new Error(`${dir}/${name} is not indexed`);
	return row.id;
}

async function setup(tree: MemoryTree) {
	const { core, roots } = await startWithRoots();
	await core.createLibrary({ name: 'L' });
	const loc = await addMemoryLocation(core, roots, tree);
	await allDone(core);
	return { core, roots, loc };
}

describe('file kinds', () => {
	it('come from magic bytes first, whatever the name says', async () => {
		expect(await detectKind(PNG, 'holiday.txt')).toEqual({ kind: 'image', mime: 'image/png' });
		expect(await detectKind(PDF, 'scan')).toEqual({ kind: 'document', mime: 'application/pdf' });
	});

	it('come from the name where the bytes are only a generic container or say nothing', async () => {
		expect((await detectKind(ZIP, 'report.docx')).kind).toBe('document');
		expect((await detectKind(ZIP, 'backup.zip')).kind).toBe('archive');
		expect(await detectKind(new TextEncoder().encode('let x = 1;'), 'main.ts')).toMatchObject({ kind: 'code' });
		expect((await detectKind(new TextEncoder().encode('a,b\n1,2'), 'data.csv')).kind).toBe('text');
		expect((await detectKind(bytes(64), 'font.woff2')).kind).toBe('font');
		expect((await detectKind(bytes(64), 'setup.exe')).kind).toBe('executable');
		expect((await detectKind(bytes(64), 'clip.mp4')).kind).toBe('video');
		expect((await detectKind(bytes(64), 'song.flac')).kind).toBe('audio');
	});

	it('come from the name where the bytes match only a weak two-byte signature', async () => {
		// An MPEG audio frame header: random bytes match one about once in a thousand.
		const sync = Uint8Array.from([0xff, 0xfb, 0x90, 0x64, ...bytes(60)]);
		expect(await detectKind(sync, 'notes.txt')).toEqual({ kind: 'text', mime: 'text/plain' });
		expect((await detectKind(sync, 'song.mp3')).kind).toBe('audio');
		expect((await detectKind(sync, 'recording')).kind).toBe('audio');
		expect((await detectKind(Uint8Array.from([0x42, 0x4d, ...bytes(60)]), 'data.csv')).kind).toBe('text');
	});

	it('fall back to text for readable bytes and unknown for the rest', async () => {
		expect(await detectKind(new TextEncoder().encode('Grüße, 日本語\n'), 'README')).toEqual({
			kind: 'text',
			mime: 'text/plain'
		});
		expect(await detectKind(bytes(4100), 'blob')).toEqual({ kind: 'unknown', mime: null });
	});
});

describe('identifying a file', () => {
	it('gives the same id as the ranged reads, whether the file is read whole or in samples', async () => {
		for (const size of [1, 102_400, 102_401, 250_000, 307_201, 2_000_000]) {
			const blob = new Blob([bytes(size, size) as BlobPart]);
			const identity = await identifyFile(blob, 'x.bin');
			expect(identity.casId, `size ${size}`).toBe(await casId(fileBytes(blob)));
		}
	});

	it('refuses an empty file: it has no content id', async () => {
		await expect(identifyFile(new Blob([]), 'empty')).rejects.toMatchObject({ code: 'InvalidInput' });
	});
});

describe('identify jobs', () => {
	it('follow indexing and give every non-empty file a content id, kind and content row', async () => {
		const photo = new Uint8Array([...PNG, ...bytes(5000, 7)]);
		const { core, loc } = await setup({
			a: { 'photo.png': file(photo), 'notes.txt': file(new TextEncoder().encode('hello world')) },
			b: { 'copy of photo.png': file(photo), 'empty.txt': file(new Uint8Array(0)) }
		});
		const jobs = await core.listJobs();
		// The photo's content then gets its media facts (one job for both copies).
		expect(jobs.map((j) => j.kind)).toEqual(['media', 'identify', 'index']);
		expect(jobs[1].progress).toMatchObject({ phase: 'done', files: 3, written: 3 });
		const notes = await core.entryDetails(await entryId(core, loc, 'a', 'notes.txt'));
		expect(notes).toMatchObject({ kind: 'text', mime: 'text/plain', copies: 1, path: 'a/notes.txt' });
		expect(notes.entry.casId).toBe('4d70ca83d92fed8e');
		const original = await core.entryDetails(await entryId(core, loc, 'a', 'photo.png'));
		expect(original).toMatchObject({ kind: 'image', mime: 'image/png', copies: 2 });
		// The inspector lists the other copy, where it is.
		expect(original.otherCopies).toEqual([
			{
				entryId: await entryId(core, loc, 'b', 'copy of photo.png'),
				locationId: loc,
				locationName: expect.any(String),
				path: 'b/copy of photo.png',
				deviceName: expect.any(String),
				here: true
			}
		]);
		expect(notes.otherCopies).toEqual([]);
		expect(original.entry.casId).toBe(await casId(fileBytes(new Blob([photo as BlobPart]))));
		const empty = await core.entryDetails(await entryId(core, loc, 'b', 'empty.txt'));
		expect(empty.entry.casId).toBeNull();
		expect(empty.kind).toBe('text');
	});

	it('report a file that changed after indexing, give it no id, and identify it after the next rescan', async () => {
		const {
			core,
			id: loc,
			source,
			add
		} = await libraryWithSource({ 'a.bin': file(bytes(100, 1)), 'b.bin': file(bytes(100, 2)) });
		const read = source.file.bind(source);
		source.file = (path) => {
			// Written again between the walk and the read: same size, a later mtime.
			if (path === 'b.bin' && source.tree['b.bin'].mtime === 1) source.set('b.bin', file(bytes(100, 3), 2));
			return read(path);
		};
		await add();
		const [identify] = await waitForJobs(core, (js) => js[0]?.state === 'done', 10_000, ['identify']);
		expect(identify.problemCount).toBe(1);
		const [problem] = await core.jobProblems(identify.id);
		expect(problem).toMatchObject({ path: 'b.bin', code: 'NotReadable' });
		expect(problem.message).toMatch(/changed after it was indexed/);
		expect((await core.entryDetails(await entryId(core, loc, '', 'b.bin'))).entry.casId).toBeNull();

		await core.rescanLocation(loc, { full: true });
		await waitForJobs(core, (js) => js.length === 2 && js.every((j) => j.state === 'done'), 10_000, ['identify']);
		const b = await core.entryDetails(await entryId(core, loc, '', 'b.bin'));
		expect(b.entry.casId).toBe(await casId(fileBytes(new Blob([bytes(100, 3) as BlobPart]))));
	});

	it('never write an id read from bytes the index no longer describes', async () => {
		const { core, id, source, add } = await libraryWithSource({ 'a.bin': file(bytes(50_000, 1)) });
		// The read is held until a rescan has recorded a new version of the file.
		let release!: () => void;
		const held = new Promise<void>((r) => (release = r));
		const read = source.file.bind(source);
		source.file = async (path) => {
			const f = await read(path);
			await held;
			return f;
		};
		await add();
		await waitForJobs(core, (js) => js[0]?.state === 'running', 10_000, ['identify']);
		source.set('a.bin', file(bytes(60_000, 2), 5));
		await core.rescanLocation(id, { full: true });
		await waitForJobs(core, (js) => js.length === 2 && js.every((j) => j.state === 'done'));
		release();
		await allDone(core);
		const a = await core.entryDetails(await entryId(core, id, '', 'a.bin'));
		expect(a.entry.size).toBe(60_000);
		expect(a.entry.casId).toBe(await casId(fileBytes(new Blob([bytes(60_000, 2) as BlobPart]))));
	});

	it('can be cancelled and leave what they wrote', async () => {
		const tree: MemoryTree = {};
		for (let i = 0; i < 300; i++) tree[`f${i}.bin`] = file(bytes(64, i + 1));
		const { core, source, add } = await libraryWithSource(tree);
		const read = source.file.bind(source);
		let reads = 0;
		let gate: (() => void) | null = null;
		source.file = async (path) => {
			if (++reads === 150) await new Promise<void>((r) => (gate = r));
			return read(path);
		};
		await add();
		const [job] = await waitForJobs(core, () => gate !== null, 10_000, ['identify']);
		const cancelled = core.cancelJob(job.id);
		gate!();
		await cancelled;
		const [after] = (await core.listJobs()).filter((j) => j.kind === 'identify');
		expect(after.state).toBe('cancelled');
		const report = await core.duplicates();
		expect(report.unidentified).toBeGreaterThan(0);
		expect(report.unidentified).toBeLessThan(300);
	});
});

describe('duplicates', () => {
	it('group copies across locations, most wasted bytes first, with the reclaimable total', async () => {
		const big = bytes(3000, 1);
		const small = bytes(100, 2);
		const { core, roots, loc } = await setup({
			a: { 'big.bin': file(big), 'small.bin': file(small) },
			b: { 'big copy.bin': file(big), 'small copy.bin': file(small), 'small again.bin': file(small) },
			c: { 'unique.bin': file(bytes(5000, 3)) }
		});
		const second = await addMemoryLocation(core, roots, { 'big elsewhere.bin': file(big) });
		await allDone(core);
		const report = await core.duplicates();
		expect(report.groupCount).toBe(2);
		expect(report.reclaimableBytes).toBe(3000 * 2 + 100 * 2);
		expect(report.groups.map((g) => [g.size, g.count, g.wasted, g.confirmed])).toEqual([
			[3000, 3, 6000, false],
			[100, 3, 200, false]
		]);
		expect(report.groups[0].members.map((m) => [m.locationId, m.path])).toEqual(
			[
				[loc, 'a/big.bin'],
				[loc, 'b/big copy.bin'],
				[second, 'big elsewhere.bin']
			].sort((x, y) => (x[0] === y[0] ? 0 : x[0] === loc ? -1 : 1))
		);
		expect(report.unidentified).toBe(0);
	});

	it('confirming with full hashes splits files that differ only between the samples', async () => {
		const one = bytes(1_048_576, 9);
		const other = one.slice();
		// Just past the first sample ([8 KiB, 18 KiB)): no range the sampled id reads.
		other[8192 + 10_240 + 100] ^= 0xff;
		const same = bytes(200_000, 4);
		const { core, loc } = await setup({
			x: { 'one.raw': file(one), 'same.dat': file(same) },
			y: { 'other.raw': file(other), 'same.dat': file(same) }
		});
		let report = await core.duplicates();
		expect(report.groups.map((g) => g.count)).toEqual([2, 2]);
		const sampled = report.groups.find((g) => g.size === 1_048_576)!;
		const trueGroup = report.groups.find((g) => g.size === 200_000)!;

		const job = await core.confirmDuplicates(sampled.casId);
		expect(job).not.toBeNull();
		await core.confirmDuplicates(trueGroup.casId);
		await allDone(core);
		report = await core.duplicates();
		expect(report.groups).toHaveLength(1);
		expect(report.groups[0]).toMatchObject({ casId: trueGroup.casId, confirmed: true, count: 2 });
		expect(report.groups[0].fullHash).toMatch(/^[0-9a-f]{64}$/);
		expect(report.split).toBe(1);
		expect(report.reclaimableBytes).toBe(200_000);
		const a = await core.entryDetails(await entryId(core, loc, 'x', 'one.raw'));
		const b = await core.entryDetails(await entryId(core, loc, 'y', 'other.raw'));
		expect(a.entry.casId).toBe(b.entry.casId);
		expect(a.fullHash).not.toBe(b.fullHash);
		// Everything is hashed already: nothing more to confirm.
		expect(await core.confirmDuplicates(sampled.casId)).toBeNull();
	});

	it('a checksum on demand is kept until the file changes', async () => {
		const { core, roots, loc } = await setup({ 'doc.txt': file(new TextEncoder().encode('hello world')), sub: {} });
		const id = await entryId(core, loc, '', 'doc.txt');
		await core.checksumEntry(id);
		await allDone(core);
		expect((await core.entryDetails(id)).fullHash).toBe(
			'd74981efa70a0c880b8d8c1985d075dbcbf679b99a5f9914e5aaf96b831a9e24'
		);
		roots.sources.get(loc)!.set('doc.txt', file(new TextEncoder().encode('hello there'), 9));
		await core.rescanLocation(loc, { full: true });
		await allDone(core);
		const after = await core.entryDetails(id);
		expect(after.fullHash).toBeNull();
		expect(after.entry.casId).not.toBe('4d70ca83d92fed8e');
		await expect(core.checksumEntry(await entryId(core, loc, '', 'sub'))).rejects.toMatchObject({
			code: 'InvalidInput'
		});
	});
});
