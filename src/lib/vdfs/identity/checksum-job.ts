import type { JobProgress, LocationKind } from '../api';
import { ENTRY_PATH } from '../entries/entries';
import { VdfsError, toVdfsError } from '../errors';
import { fsError, type FileSource } from '../fs/source';
import type { EntryId, LocationId } from '../ids';
import type { SourceResolver } from '../indexer/index-job';
import { rateAndEta, type JobContext, type JobHandler } from '../jobs/runner';
import type { OpenLibrary } from '../library/library';
import type { Hasher } from './hasher';

/** What a checksum job was asked for: full hashes of these files (entry ids). */
export interface ChecksumParams {
	entries: EntryId[];
}

interface ChecksumCheckpoint {
	/** Entries before this index in `entries` are done. */
	next: number;
	files: number;
	bytes: number;
	written: number;
}

interface Target {
	id: number;
	cas_id: string | null;
	size: number;
	mtime: number | null;
	path: string;
	location: LocationId;
	kind: LocationKind;
}

/**
 * Checksum jobs: the full BLAKE3 of files, one after another, streamed in 8 MiB slices by the
 * hasher. Each hash is stored on its entry (while the file still has the size and mtime it was
 * read at) and, where every hashed copy of a content id agrees, on the content row; copies that
 * disagree split a duplicate group (see duplicates.ts).
 */
export class ChecksumJob implements JobHandler {
	constructor(
		private readonly sources: SourceResolver,
		private readonly hasher: () => Hasher
	) {}

	async run({ lib, row, signal, progress, problem, checkpoint, emit }: JobContext): Promise<void> {
		const { entries } = JSON.parse(row.params || '{}') as ChecksumParams;
		const list = entries ?? [];
		const at: ChecksumCheckpoint = row.checkpoint
			? (JSON.parse(row.checkpoint) as ChecksumCheckpoint)
			: { next: 0, files: 0, bytes: 0, written: 0 };
		const totalBytes =
			lib.sql.value<number>('SELECT coalesce(sum(size), 0) FROM entry WHERE uuid IN (SELECT value FROM json_each(?))', [
				JSON.stringify(list)
			]) ?? 0;
		const started = Date.now();
		const sources = new Map<LocationId, Promise<FileSource>>();
		const report = (path: string, inFile: number) =>
			progress({
				phase: 'hashing',
				done: at.files,
				total: list.length,
				files: at.files,
				bytes: at.bytes + inFile,
				written: at.written,
				currentPath: path,
				...rateAndEta(at.files, at.bytes + inFile, totalBytes, started, 1)
			} satisfies JobProgress);
		try {
			for (; at.next < list.length; at.next++) {
				signal.throwIfAborted();
				const target = targetOf(lib, list[at.next]);
				if (!target) continue;
				report(target.path, 0);
				try {
					let source = sources.get(target.location);
					if (!source) {
						source = this.sources({ id: target.location, kind: target.kind });
						sources.set(target.location, source);
					}
					const file = await (await source).file(target.path).catch((e: unknown) => {
						throw fsError(e, target.path);
					});
					if (file.size !== target.size || file.lastModified !== target.mtime) {
						throw new VdfsError(
							'NotReadable',
							`“${target.path}” changed after it was indexed; rescan its location, then ask again.`
						);
					}
					const hash = await this.hasher().fullHash(file, {
						signal,
						onBytes: (done) => report(target.path, done)
					});
					if (storeFullHash(lib, target, hash)) at.written++;
				} catch (e) {
					if (signal.aborted) throw e;
					const err = toVdfsError(e);
					if (err.code === 'PermissionLost' || err.code === 'QuotaExceeded') throw err;
					problem({ path: target.path, code: err.code, message: err.message });
				}
				at.files++;
				at.bytes += target.size;
				checkpoint({ ...at, next: at.next + 1 });
				emit({ topic: 'entry', library: lib.id });
			}
			report('', 0);
		} finally {
			for (const source of sources.values()) void source.then((s) => s.close?.()).catch(() => {});
		}
	}
}

function targetOf(lib: OpenLibrary, entry: EntryId): Target | undefined {
	return lib.sql.get<Target>(
		`SELECT e.id, e.cas_id, e.size, e.mtime, ${ENTRY_PATH} AS path,
			l.uuid AS location, l.kind
		FROM entry e JOIN entry p ON p.id = e.parent_id JOIN location l ON l.id = e.location_id
		WHERE e.uuid = ? AND e.is_dir = 0`,
		[entry]
	);
}

/**
 * Stores a file's full hash (stamped with a sequence number: peers learn it) and recomputes its
 * content row's: the one hash every hashed copy shares, or none when they differ.
 */
export function storeFullHash(
	lib: OpenLibrary,
	target: Pick<Target, 'id' | 'cas_id' | 'size' | 'mtime'>,
	hash: string
): boolean {
	return lib.sql.tx(() => {
		const seq = lib.nextSeq();
		const written = lib.sql.run('UPDATE entry SET full_hash = ?, seq = ? WHERE id = ? AND size = ? AND mtime IS ?', [
			hash,
			seq,
			target.id,
			target.size,
			target.mtime
		]);
		if (written === 0) return false;
		lib.useSeqUpTo(seq + 1);
		if (target.cas_id) {
			lib.sql.run(
				`UPDATE content SET full_hash = (
					SELECT iif(count(DISTINCT full_hash) = 1, max(full_hash), NULL)
					FROM entry WHERE cas_id = ?1 AND full_hash IS NOT NULL
				) WHERE cas_id = ?1`,
				[target.cas_id]
			);
		}
		return true;
	});
}
