import type { Migration } from './migrate';
import { naturalKey } from '../entries/natural';

/** 'ORRY': marks a SQLite file as an Orrery library, so a foreign database is told apart. */
export const LIBRARY_APPLICATION_ID = 0x4f525259;

export function libraryFileName(uuid: string): string {
	return `/library-${uuid}.sqlite3`;
}

export function libraryIdFromFileName(name: string): string | undefined {
	return /^\/library-([0-9a-f-]{36})\.sqlite3$/.exec(name)?.[1];
}

/**
 * Library schema (DESIGN.md §4). Device-owned rows (location, entry) carry a `seq` stamped from
 * their owner's counter, and deletes leave tombstones, so sync can catch up by
 * (owner, seq > watermark). Local rowids (`id`) never leave the device; `uuid` does.
 */
export const libraryMigrations: readonly Migration[] = [
	(sql) =>
		sql.exec(`
			PRAGMA application_id = ${LIBRARY_APPLICATION_ID};

			CREATE TABLE library_meta (
				key TEXT PRIMARY KEY,
				value TEXT NOT NULL
			) STRICT;

			CREATE TABLE device (
				id INTEGER PRIMARY KEY,
				uuid TEXT NOT NULL UNIQUE,
				name TEXT NOT NULL,
				platform TEXT NOT NULL DEFAULT '',
				peer_id TEXT,
				last_seen INTEGER,
				-- The next sequence number this device stamps on a row it owns.
				next_seq INTEGER NOT NULL DEFAULT 1
			) STRICT;

			CREATE TABLE location (
				id INTEGER PRIMARY KEY,
				uuid TEXT NOT NULL UNIQUE,
				device_id INTEGER NOT NULL REFERENCES device(id),
				name TEXT NOT NULL,
				kind TEXT NOT NULL CHECK (kind IN ('fsa', 'opfs', 'snapshot')),
				rules TEXT NOT NULL DEFAULT '{}',
				scan_state TEXT NOT NULL DEFAULT 'new',
				total_files INTEGER NOT NULL DEFAULT 0,
				total_dirs INTEGER NOT NULL DEFAULT 0,
				total_bytes INTEGER NOT NULL DEFAULT 0,
				last_indexed_at INTEGER,
				created_at INTEGER NOT NULL,
				seq INTEGER NOT NULL
			) STRICT;

			CREATE TABLE entry (
				id INTEGER PRIMARY KEY,
				uuid TEXT NOT NULL UNIQUE,
				location_id INTEGER NOT NULL REFERENCES location(id) ON DELETE CASCADE,
				-- NULL only for the location's root directory.
				parent_id INTEGER REFERENCES entry(id) ON DELETE CASCADE,
				name TEXT NOT NULL,
				extension TEXT NOT NULL DEFAULT '',
				is_dir INTEGER NOT NULL DEFAULT 0,
				size INTEGER NOT NULL DEFAULT 0,
				mtime INTEGER,
				cas_id TEXT,
				-- Relative path of a directory ('' for the root) for O(1) path lookups; NULL for files.
				path TEXT,
				hidden INTEGER NOT NULL DEFAULT 0,
				seq INTEGER NOT NULL
			) STRICT;
			-- A parent belongs to exactly one location, so (parent, name) is the (location, parent,
			-- name) key of DESIGN.md §4 with one index fewer; it also serves sorted child listings.
			CREATE UNIQUE INDEX entry_child ON entry(parent_id, name);
			CREATE UNIQUE INDEX entry_root ON entry(location_id) WHERE parent_id IS NULL;
			CREATE UNIQUE INDEX entry_dir_path ON entry(location_id, path) WHERE path IS NOT NULL;
			CREATE INDEX entry_cas ON entry(cas_id) WHERE cas_id IS NOT NULL;

			CREATE TABLE content (
				cas_id TEXT PRIMARY KEY,
				kind TEXT NOT NULL DEFAULT 'unknown',
				mime TEXT,
				size INTEGER NOT NULL,
				full_hash TEXT
			) STRICT, WITHOUT ROWID;

			-- A deleted device-owned row, kept so that peers catching up learn of the delete.
			CREATE TABLE tombstone (
				device_id INTEGER NOT NULL REFERENCES device(id),
				seq INTEGER NOT NULL,
				row_kind TEXT NOT NULL,
				uuid TEXT NOT NULL,
				PRIMARY KEY (device_id, seq)
			) STRICT, WITHOUT ROWID;

			-- Substring search on names: the trigram tokenizer matches any 3+ character run.
			CREATE VIRTUAL TABLE entry_fts USING fts5(
				name, content = 'entry', content_rowid = 'id', tokenize = 'trigram'
			);
			CREATE TRIGGER entry_fts_insert AFTER INSERT ON entry BEGIN
				INSERT INTO entry_fts(rowid, name) VALUES (new.id, new.name);
			END;
			CREATE TRIGGER entry_fts_delete AFTER DELETE ON entry BEGIN
				INSERT INTO entry_fts(entry_fts, rowid, name) VALUES ('delete', old.id, old.name);
			END;
			-- A folder replaced by a file of the same name: its subtree is gone (children cascade).
			CREATE TRIGGER entry_dir_became_file AFTER UPDATE OF is_dir ON entry
			WHEN old.is_dir = 1 AND new.is_dir = 0 BEGIN
				DELETE FROM entry WHERE parent_id = old.id;
			END;
			CREATE TRIGGER entry_fts_rename AFTER UPDATE OF name ON entry BEGIN
				INSERT INTO entry_fts(entry_fts, rowid, name) VALUES ('delete', old.id, old.name);
				INSERT INTO entry_fts(rowid, name) VALUES (new.id, new.name);
			END;
		`),
	// 2: the persistent job queue (index and rescan now; identify, thumbnails, copy later).
	(sql) =>
		sql.exec(`
			CREATE TABLE job (
				id INTEGER PRIMARY KEY,
				uuid TEXT NOT NULL UNIQUE,
				kind TEXT NOT NULL,
				location_id INTEGER REFERENCES location(id) ON DELETE CASCADE,
				state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'paused', 'cancelled', 'done', 'failed')),
				progress TEXT NOT NULL DEFAULT '{}',
				-- Where a resumed job picks up (JSON, owned by the job kind).
				checkpoint TEXT,
				error TEXT,
				problem_count INTEGER NOT NULL DEFAULT 0,
				created_at INTEGER NOT NULL,
				started_at INTEGER,
				finished_at INTEGER
			) STRICT;
			CREATE INDEX job_state ON job(state, created_at);
			-- Per-file trouble a job met and went past (unreadable, vanished): kept as history.
			CREATE TABLE job_problem (
				job_id INTEGER NOT NULL REFERENCES job(id) ON DELETE CASCADE,
				path TEXT NOT NULL,
				code TEXT NOT NULL,
				message TEXT NOT NULL
			) STRICT;
			CREATE INDEX job_problem_job ON job_problem(job_id);

			-- For folders: how many files the whole subtree holds (size holds its bytes).
			ALTER TABLE entry ADD COLUMN file_count INTEGER NOT NULL DEFAULT 0;
		`),
	// 3: what a job was asked to do (JSON, owned by the job kind): a full rescan, a live update.
	// And FTS5 merges segments 16 at a time instead of 4: a first index of 100,000 entries
	// spends less time rewriting the trigram index (+17% inserts/s measured in Node).
	(sql) =>
		sql.exec(`
			ALTER TABLE job ADD COLUMN params TEXT NOT NULL DEFAULT '{}';
			INSERT INTO entry_fts(entry_fts, rank) VALUES ('automerge', 16);
		`),
	// 4: content identity (issue 4). A file's full BLAKE3 lives on its entry, because a sampled
	// content id can be shared by files whose full hashes differ; content.full_hash is set
	// only while every hashed copy agrees. Files still to identify get an index of their own, so
	// an identify job finds the few new ones without scanning a library of millions.
	(sql) =>
		sql.exec(`
			ALTER TABLE entry ADD COLUMN full_hash TEXT;
			CREATE INDEX entry_unidentified ON entry(location_id, id)
				WHERE cas_id IS NULL AND is_dir = 0 AND size > 0;
		`),
	// 5: media facts on content (issue 5), read once per content id and shared by every copy:
	// pixels, seconds, when it was taken, and the rest of its metadata as JSON (camera, lens,
	// exposure, GPS, orientation). media_state: 0 not read yet, 1 read, 2 unreadable. thumb: 0
	// none yet, 1 stored in OPFS under the content id, 2 none can be made (the kind icon shows).
	(sql) =>
		sql.exec(`
			ALTER TABLE content ADD COLUMN width INTEGER;
			ALTER TABLE content ADD COLUMN height INTEGER;
			ALTER TABLE content ADD COLUMN duration REAL;
			ALTER TABLE content ADD COLUMN taken_at INTEGER;
			ALTER TABLE content ADD COLUMN media TEXT;
			ALTER TABLE content ADD COLUMN media_state INTEGER NOT NULL DEFAULT 0;
			ALTER TABLE content ADD COLUMN thumb INTEGER NOT NULL DEFAULT 0;
		`),
	// 6: the contents whose media are still to read get an index of their own, so a media job
	// finds the few new photos of a location without scanning all of its entries (bench
	// explorer: two scans of 100,000 entries took a third of a 48-photo job). The kinds are
	// media-job.ts MEDIA_JOB_KINDS, written out: a query uses it only with the same list.
	(sql) =>
		sql.exec(`
			CREATE INDEX content_media_unread ON content(cas_id)
				WHERE media_state = 0 AND kind IN ('image', 'video', 'audio');
		`),
	// 7: names sort in natural order ("IMG_2" before "IMG_10"), by a key the writer computes
	// (entries/natural.ts). Derived, local data: every device computes its own, and whatever
	// writes or renames an entry sets it. A SQL function computing it in a generated column cost
	// 2.2 µs a row in the crossing into JS alone, a tenth of an insert. Existing names get theirs here.
	(sql) => {
		sql.exec(`ALTER TABLE entry ADD COLUMN name_key TEXT NOT NULL DEFAULT ''`);
		for (let after = 0; ;) {
			const rows = sql.all<{ id: number; name: string }>(
				'SELECT id, name FROM entry WHERE id > ? ORDER BY id LIMIT 10000',
				[after]
			);
			if (rows.length === 0) break;
			sql.run('UPDATE entry SET name_key = j.value ->> 1 FROM json_each(?) j WHERE entry.id = j.value ->> 0', [
				JSON.stringify(rows.map((r) => [r.id, naturalKey(r.name)]))
			]);
			after = rows[rows.length - 1].id;
		}
		// A folder's first page by name, the way most folders open, reads its rows in order
		// instead of sorting the whole folder.
		sql.exec('CREATE INDEX entry_child_order ON entry(parent_id, is_dir DESC, name_key, name)');
	},
	// 8: organize and find (issue 6). Shared rows (tags, what they are on, user metadata, saved
	// searches) change only through stamped ops (sync/ops.ts): each field keeps the stamp that set
	// it in `<field>_at`. Targets are content ids (every copy shares them) or entry uuids (a
	// folder, a file without a content id yet, or a tag pinned to one path).
	(sql) =>
		sql.exec(`
			CREATE TABLE shared_op (at TEXT PRIMARY KEY, op TEXT NOT NULL) STRICT, WITHOUT ROWID;
			CREATE TABLE tag (
				uuid TEXT PRIMARY KEY,
				name TEXT NOT NULL DEFAULT '', name_at TEXT NOT NULL DEFAULT '',
				color TEXT NOT NULL DEFAULT '', color_at TEXT NOT NULL DEFAULT '',
				parent TEXT, parent_at TEXT NOT NULL DEFAULT '',
				deleted INTEGER NOT NULL DEFAULT 0, deleted_at TEXT NOT NULL DEFAULT ''
			) STRICT, WITHOUT ROWID;
			CREATE TABLE tag_link (
				tag TEXT NOT NULL,
				target TEXT NOT NULL,
				linked INTEGER NOT NULL DEFAULT 0, linked_at TEXT NOT NULL DEFAULT '',
				PRIMARY KEY (tag, target)
			) STRICT, WITHOUT ROWID;
			CREATE INDEX tag_link_target ON tag_link(target, tag) WHERE linked = 1;
			CREATE TABLE user_meta (
				target TEXT PRIMARY KEY,
				favorite INTEGER NOT NULL DEFAULT 0, favorite_at TEXT NOT NULL DEFAULT '',
				note TEXT NOT NULL DEFAULT '', note_at TEXT NOT NULL DEFAULT '',
				hidden INTEGER NOT NULL DEFAULT 0, hidden_at TEXT NOT NULL DEFAULT ''
			) STRICT, WITHOUT ROWID;
			CREATE INDEX user_meta_favorite ON user_meta(target) WHERE favorite = 1;
			CREATE INDEX user_meta_hidden ON user_meta(target) WHERE hidden = 1;
			CREATE TABLE saved_search (
				uuid TEXT PRIMARY KEY,
				name TEXT NOT NULL DEFAULT '', name_at TEXT NOT NULL DEFAULT '',
				query TEXT NOT NULL DEFAULT '{}', query_at TEXT NOT NULL DEFAULT '',
				deleted INTEGER NOT NULL DEFAULT 0, deleted_at TEXT NOT NULL DEFAULT ''
			) STRICT, WITHOUT ROWID;

			-- Search (search/query.ts): prefix and exact names below the trigram index's three
			-- characters, recent first, sizes, and the contents of a kind, taken in a range, or shared.
			CREATE INDEX entry_name_nocase ON entry(name COLLATE NOCASE) WHERE parent_id IS NOT NULL;
			CREATE INDEX entry_mtime ON entry(mtime) WHERE parent_id IS NOT NULL;
			CREATE INDEX entry_size ON entry(size) WHERE is_dir = 0;
			CREATE INDEX content_kind ON content(kind);
			CREATE INDEX content_taken ON content(taken_at) WHERE taken_at IS NOT NULL;

			-- Statistics kept as the index changes, never by scanning it (stats/stats.ts): files and
			-- bytes per location and kind ('folder', 'pending' before a content id, 'empty'), and
			-- how many entries share each content (duplicates: refs > 1).
			ALTER TABLE content ADD COLUMN refs INTEGER NOT NULL DEFAULT 0;
			UPDATE content SET refs = (SELECT count(*) FROM entry WHERE entry.cas_id = content.cas_id);
			CREATE INDEX content_shared ON content(refs) WHERE refs > 1;
			CREATE TABLE stat_kind (
				location_id INTEGER NOT NULL,
				kind TEXT NOT NULL,
				files INTEGER NOT NULL DEFAULT 0,
				bytes INTEGER NOT NULL DEFAULT 0,
				PRIMARY KEY (location_id, kind)
			) STRICT, WITHOUT ROWID;
			INSERT INTO stat_kind (location_id, kind, files, bytes)
				SELECT e.location_id, ${statKind('e')}, count(*), sum(iif(e.is_dir, 0, e.size))
				FROM entry e WHERE e.parent_id IS NOT NULL GROUP BY 1, 2;
			CREATE TRIGGER entry_stat_insert AFTER INSERT ON entry WHEN new.parent_id IS NOT NULL BEGIN
				INSERT INTO stat_kind (location_id, kind, files, bytes)
					VALUES (new.location_id, ${statKind('new')}, 1, iif(new.is_dir, 0, new.size))
					ON CONFLICT DO UPDATE SET files = files + 1, bytes = bytes + excluded.bytes;
				UPDATE content SET refs = refs + 1 WHERE cas_id = new.cas_id;
			END;
			CREATE TRIGGER entry_stat_delete AFTER DELETE ON entry WHEN old.parent_id IS NOT NULL BEGIN
				UPDATE stat_kind SET files = files - 1, bytes = bytes - iif(old.is_dir, 0, old.size)
					WHERE location_id = old.location_id AND kind = ${statKind('old')};
				UPDATE content SET refs = refs - 1 WHERE cas_id = old.cas_id;
			END;
			CREATE TRIGGER entry_stat_update AFTER UPDATE OF is_dir, size, cas_id ON entry
			WHEN new.parent_id IS NOT NULL AND (old.is_dir IS NOT new.is_dir OR old.size IS NOT new.size
				OR old.cas_id IS NOT new.cas_id) BEGIN
				UPDATE stat_kind SET files = files - 1, bytes = bytes - iif(old.is_dir, 0, old.size)
					WHERE location_id = old.location_id AND kind = ${statKind('old')};
				INSERT INTO stat_kind (location_id, kind, files, bytes)
					VALUES (new.location_id, ${statKind('new')}, 1, iif(new.is_dir, 0, new.size))
					ON CONFLICT DO UPDATE SET files = files + 1, bytes = bytes + excluded.bytes;
				UPDATE content SET refs = refs - 1 WHERE cas_id = old.cas_id AND old.cas_id IS NOT new.cas_id;
				UPDATE content SET refs = refs + 1 WHERE cas_id = new.cas_id AND old.cas_id IS NOT new.cas_id;
			END;
			-- A content's kind learnt later (or corrected) moves its files' counts.
			CREATE TRIGGER content_stat_kind AFTER UPDATE OF kind ON content WHEN old.kind IS NOT new.kind BEGIN
				UPDATE stat_kind SET files = files - g.n, bytes = bytes - g.b
					FROM (SELECT location_id, count(*) AS n, sum(size) AS b FROM entry
						WHERE cas_id = new.cas_id GROUP BY location_id) g
					WHERE stat_kind.location_id = g.location_id AND stat_kind.kind = old.kind;
				INSERT INTO stat_kind (location_id, kind, files, bytes)
					SELECT location_id, new.kind, count(*), sum(size) FROM entry
						WHERE cas_id = new.cas_id GROUP BY location_id
					ON CONFLICT DO UPDATE SET files = files + excluded.files, bytes = bytes + excluded.bytes;
			END;
			CREATE TRIGGER location_stat_delete AFTER DELETE ON location BEGIN
				DELETE FROM stat_kind WHERE location_id = old.id;
			END;
		`),
	// 9: paired devices (issue 7). A device is trusted while it has a peer id and no revoked_at;
	// removing it keeps the row, since its locations and entries (device-owned rows) point at it.
	// `addrs` are the multiaddrs it was last reached at: local, never synced.
	(sql) =>
		sql.exec(`
			ALTER TABLE device ADD COLUMN paired_at INTEGER;
			ALTER TABLE device ADD COLUMN revoked_at INTEGER;
			ALTER TABLE device ADD COLUMN addrs TEXT NOT NULL DEFAULT '[]';
			CREATE INDEX device_peer ON device(peer_id) WHERE peer_id IS NOT NULL;
		`),
	// 10: search (issue 6) reads its candidates from indexes that hold what ranking and the hidden
	// flag need (date, hidden, name), instead of a random read of each row: the newest-first scan
	// and a prefix's candidates test and rank in the index (bench search, 1,000,000 entries: a
	// row ~2 µs, an index step with its name tested ~0.2 µs). They replace the name and date
	// indexes of migration 8, which lead with the same columns. parent_id is there for SQLite to see
	// them covering (their WHERE names it). 2-3 s each on 1,000,000 entries in Node.
	(sql) =>
		sql.exec(`
			DROP INDEX IF EXISTS entry_mtime;
			DROP INDEX IF EXISTS entry_name_nocase;
			CREATE INDEX entry_recent ON entry(mtime, hidden, name, parent_id) WHERE parent_id IS NOT NULL;
			CREATE INDEX entry_name_cover ON entry(name COLLATE NOCASE, hidden, mtime, parent_id)
				WHERE parent_id IS NOT NULL;
		`),
	// 11: search filters answered in indexes (issue 6). An entry carries copies of its content's kind,
	// date taken and whether another entry shares it (refs > 1), kept by the triggers below, so a
	// kind, a location, a date taken or "duplicates" is tested in an index instead of through a
	// read of the row and of its content (bench search, 1,000,000 entries: "i" with a kind, a
	// location and a year taken 180 ms, "d" among large duplicates 500 ms). A folder's kind is
	// 'folder'; a file's is NULL without a content row: search then asks the extension. The newest-first and name indexes gain the kind
	// and the location; shared entries and those with a date taken get indexes of their own.
	(sql) =>
		sql.exec(`
			ALTER TABLE entry ADD COLUMN kind TEXT;
			ALTER TABLE entry ADD COLUMN taken_at INTEGER;
			ALTER TABLE entry ADD COLUMN shared INTEGER NOT NULL DEFAULT 0;
			UPDATE entry SET kind = c.kind, taken_at = c.taken_at, shared = c.refs > 1
				FROM content c WHERE c.cas_id = entry.cas_id;
			UPDATE entry SET kind = 'folder' WHERE is_dir = 1;
			CREATE TRIGGER entry_folder_insert AFTER INSERT ON entry WHEN new.is_dir BEGIN
				UPDATE entry SET kind = 'folder' WHERE id = new.id;
			END;

			-- Given a content id (inserted with one, identified, or changed): its content's facts.
			-- Whichever of this and entry_stat_insert runs first, shared ends right: refs crossing
			-- 1 -> 2 updates every copy (content_entry_shared).
			CREATE TRIGGER entry_content_insert AFTER INSERT ON entry WHEN new.cas_id IS NOT NULL BEGIN
				UPDATE entry SET kind = c.kind, taken_at = c.taken_at, shared = c.refs > 1
					FROM content c WHERE c.cas_id = new.cas_id AND entry.id = new.id;
			END;
			CREATE TRIGGER entry_content_update AFTER UPDATE OF cas_id, is_dir ON entry
			WHEN old.cas_id IS NOT new.cas_id OR old.is_dir IS NOT new.is_dir BEGIN
				UPDATE entry SET kind = iif(new.is_dir, 'folder', (SELECT kind FROM content WHERE cas_id = new.cas_id)),
					taken_at = (SELECT taken_at FROM content WHERE cas_id = new.cas_id),
					shared = coalesce((SELECT refs > 1 FROM content WHERE cas_id = new.cas_id), 0)
					WHERE id = new.id;
			END;
			-- A content written after its entries, its kind or date learnt later, or its copies
			-- becoming more (or fewer) than one: every entry of it follows.
			CREATE TRIGGER content_entry_insert AFTER INSERT ON content BEGIN
				UPDATE entry SET kind = new.kind, taken_at = new.taken_at, shared = new.refs > 1
					WHERE cas_id = new.cas_id;
			END;
			CREATE TRIGGER content_entry_facts AFTER UPDATE OF kind, taken_at ON content
			WHEN old.kind IS NOT new.kind OR old.taken_at IS NOT new.taken_at BEGIN
				UPDATE entry SET kind = new.kind, taken_at = new.taken_at WHERE cas_id = new.cas_id;
			END;
			CREATE TRIGGER content_entry_shared AFTER UPDATE OF refs ON content
			WHEN (old.refs > 1) IS NOT (new.refs > 1) BEGIN
				UPDATE entry SET shared = new.refs > 1 WHERE cas_id = new.cas_id;
			END;
			CREATE TRIGGER content_entry_delete AFTER DELETE ON content BEGIN
				UPDATE entry SET kind = NULL, taken_at = NULL, shared = 0 WHERE cas_id = old.cas_id;
			END;

			-- Columns a filter tests, after those of migration 10 (which lead the same way): the
			-- scan and a prefix's ranking test a kind and a location without the row. shared and
			-- parent_id are there for SQLite to see the indexes covering (their WHERE names them).
			DROP INDEX IF EXISTS entry_recent;
			DROP INDEX IF EXISTS entry_name_cover;
			CREATE INDEX entry_recent ON entry(mtime, hidden, name, kind, location_id, parent_id)
				WHERE parent_id IS NOT NULL;
			CREATE INDEX entry_name_cover ON entry(name COLLATE NOCASE, hidden, mtime, kind, location_id, parent_id)
				WHERE parent_id IS NOT NULL;
			CREATE INDEX entry_shared ON entry(size, hidden, mtime, name, kind, location_id, shared, parent_id)
				WHERE shared = 1;
			CREATE INDEX entry_taken ON entry(taken_at, hidden, mtime, name, kind, location_id, parent_id)
				WHERE taken_at IS NOT NULL;
		`),
	// 12: file operations (issue 8). What is in each location's trash (the files sit in its
	// `.orrery-trash/<uuid>/` folder): where it was, and the index rows it had, so a restore
	// gives back the same entry ids (tags pinned to a path, notes, peers' references). And the
	// actions Undo can reverse, newest last; local to this device, never synced.
	(sql) =>
		sql.exec(`
			CREATE TABLE trash (
				uuid TEXT PRIMARY KEY,
				location_id INTEGER NOT NULL REFERENCES location(id) ON DELETE CASCADE,
				path TEXT NOT NULL,
				name TEXT NOT NULL,
				is_dir INTEGER NOT NULL,
				size INTEGER NOT NULL DEFAULT 0,
				files INTEGER NOT NULL DEFAULT 0,
				trashed_at INTEGER NOT NULL,
				-- [relative path ('' for the item itself), uuid, cas_id, full_hash] of each row it had.
				entries TEXT NOT NULL DEFAULT '[]'
			) STRICT;
			CREATE INDEX trash_location ON trash(location_id, trashed_at);
			CREATE TABLE undo (
				id INTEGER PRIMARY KEY,
				at INTEGER NOT NULL,
				label TEXT NOT NULL,
				kind TEXT NOT NULL,
				-- What reverses it (ops/undo.ts), as JSON.
				action TEXT NOT NULL
			) STRICT;
		`),
	// 13: search (issue 6) in the order it ranks, without reading rows. Entries carry their
	// content's media facts too (so hits need no content row). `concealed` says what a
	// search leaves out: 1 a dot-file or an entry marked hidden (on itself or its content) unless
	// asked for, 2 a location's root always. Kept by the triggers below, it is tested in the indexes
	// instead of against a list of marked entries (~0.2 µs a candidate) and a parent_id, the last
	// column of an index record (~0.05 µs: bench search, 1,000,000 entries). The newest-first index
	// is in ranking order within a rank (date newest first, then natural name, name, id), so a scan
	// stops at a full page already in order, also inside the ~22,000 entries that share one date;
	// the name, shared and date-taken indexes gain the natural name key, so their candidates sort
	// without their rows, and the date-taken one leads with the location: photos of one phone in a
	// year are one stretch of it (12,782 of the bench's 31,647 taken in 2023). ~25 s on 1,000,000
	// entries in Node.
	(sql) =>
		sql.exec(`
			-- What a search hit shows of its content's media facts, copied as kind and date taken are
			-- (migration 11): a page of 200 hits reads no content row (a lookup in the content table
			-- ~2 µs, a third of a hit).
			ALTER TABLE entry ADD COLUMN width INTEGER;
			ALTER TABLE entry ADD COLUMN height INTEGER;
			ALTER TABLE entry ADD COLUMN duration REAL;
			ALTER TABLE entry ADD COLUMN thumb INTEGER NOT NULL DEFAULT 0;
			UPDATE entry SET width = c.width, height = c.height, duration = c.duration, thumb = c.thumb
				FROM content c WHERE c.cas_id = entry.cas_id
				AND (c.width IS NOT NULL OR c.height IS NOT NULL OR c.duration IS NOT NULL OR c.thumb <> 0);
			DROP TRIGGER entry_content_insert;
			DROP TRIGGER entry_content_update;
			DROP TRIGGER content_entry_insert;
			DROP TRIGGER content_entry_facts;
			DROP TRIGGER content_entry_delete;
			CREATE TRIGGER entry_content_insert AFTER INSERT ON entry WHEN new.cas_id IS NOT NULL BEGIN
				UPDATE entry SET kind = c.kind, taken_at = c.taken_at, shared = c.refs > 1, width = c.width,
					height = c.height, duration = c.duration, thumb = c.thumb
					FROM content c WHERE c.cas_id = new.cas_id AND entry.id = new.id;
			END;
			CREATE TRIGGER entry_content_update AFTER UPDATE OF cas_id, is_dir ON entry
			WHEN old.cas_id IS NOT new.cas_id OR old.is_dir IS NOT new.is_dir BEGIN
				UPDATE entry SET (kind, taken_at, shared, width, height, duration, thumb) = (
					SELECT iif(new.is_dir, 'folder', c.kind), c.taken_at, coalesce(c.refs > 1, 0), c.width, c.height,
						c.duration, coalesce(c.thumb, 0)
					FROM (SELECT 1) LEFT JOIN content c ON c.cas_id = new.cas_id)
					WHERE id = new.id;
			END;
			CREATE TRIGGER content_entry_insert AFTER INSERT ON content BEGIN
				UPDATE entry SET kind = new.kind, taken_at = new.taken_at, shared = new.refs > 1, width = new.width,
					height = new.height, duration = new.duration, thumb = new.thumb
					WHERE cas_id = new.cas_id;
			END;
			CREATE TRIGGER content_entry_facts AFTER UPDATE OF kind, taken_at, width, height, duration, thumb ON content
			WHEN old.kind IS NOT new.kind OR old.taken_at IS NOT new.taken_at OR old.width IS NOT new.width
				OR old.height IS NOT new.height OR old.duration IS NOT new.duration OR old.thumb IS NOT new.thumb BEGIN
				UPDATE entry SET kind = new.kind, taken_at = new.taken_at, width = new.width, height = new.height,
					duration = new.duration, thumb = new.thumb
					WHERE cas_id = new.cas_id;
			END;
			CREATE TRIGGER content_entry_delete AFTER DELETE ON content BEGIN
				UPDATE entry SET kind = NULL, taken_at = NULL, shared = 0, width = NULL, height = NULL, duration = NULL,
					thumb = 0 WHERE cas_id = old.cas_id;
			END;

			ALTER TABLE entry ADD COLUMN concealed INTEGER NOT NULL DEFAULT 0;
			UPDATE entry SET concealed = 1 WHERE hidden = 1
				OR uuid IN (SELECT target FROM user_meta WHERE hidden = 1)
				OR cas_id IN (SELECT target FROM user_meta WHERE hidden = 1);
			UPDATE entry SET concealed = 2 WHERE parent_id IS NULL;

			CREATE TRIGGER entry_concealed_insert AFTER INSERT ON entry
			WHEN new.parent_id IS NULL OR new.hidden = 1
				OR EXISTS (SELECT 1 FROM user_meta WHERE hidden = 1 AND target IN (new.uuid, new.cas_id)) BEGIN
				UPDATE entry SET concealed = iif(new.parent_id IS NULL, 2, 1) WHERE id = new.id;
			END;
			-- The indexer gives a moved file its old uuid back, and with it the marks on that uuid.
			CREATE TRIGGER entry_concealed_update AFTER UPDATE OF hidden, cas_id, uuid ON entry
			WHEN new.parent_id IS NOT NULL
				AND (old.hidden IS NOT new.hidden OR old.cas_id IS NOT new.cas_id OR old.uuid IS NOT new.uuid) BEGIN
				UPDATE entry SET concealed = (new.hidden = 1 OR EXISTS (SELECT 1 FROM user_meta
					WHERE hidden = 1 AND target IN (new.uuid, new.cas_id))) WHERE id = new.id;
			END;
			-- A mark set or cleared (on an entry uuid or a content id) reaches every entry it names.
			CREATE TRIGGER user_meta_concealed_insert AFTER INSERT ON user_meta WHEN new.hidden = 1 BEGIN
				UPDATE entry SET concealed = 1 WHERE (uuid = new.target OR cas_id = new.target) AND parent_id IS NOT NULL;
			END;
			CREATE TRIGGER user_meta_concealed_update AFTER UPDATE OF hidden ON user_meta
			WHEN old.hidden IS NOT new.hidden BEGIN
				UPDATE entry SET concealed = (hidden = 1 OR EXISTS (SELECT 1 FROM user_meta um
					WHERE um.hidden = 1 AND um.target IN (entry.uuid, entry.cas_id)))
					WHERE (uuid = new.target OR cas_id = new.target) AND parent_id IS NOT NULL;
			END;
			CREATE TRIGGER user_meta_concealed_delete AFTER DELETE ON user_meta WHEN old.hidden = 1 BEGIN
				UPDATE entry SET concealed = (hidden = 1 OR EXISTS (SELECT 1 FROM user_meta um
					WHERE um.hidden = 1 AND um.target IN (entry.uuid, entry.cas_id)))
					WHERE (uuid = old.target OR cas_id = old.target) AND parent_id IS NOT NULL;
			END;

			-- id is written out in entry_recent so that its order is the whole ranking order (the
			-- implicit rowid would come after the other columns). A shared entry and one with a date
			-- taken are files, never a root.
			DROP INDEX IF EXISTS entry_recent;
			DROP INDEX IF EXISTS entry_name_cover;
			DROP INDEX IF EXISTS entry_shared;
			DROP INDEX IF EXISTS entry_taken;
			CREATE INDEX entry_recent ON entry(mtime DESC, name_key, name, id, concealed, kind, location_id);
			CREATE INDEX entry_name_cover ON entry(name COLLATE NOCASE, concealed, mtime, name_key, kind, location_id);
			CREATE INDEX entry_shared ON entry(size, concealed, mtime, name_key, name, kind, location_id, shared)
				WHERE shared = 1;
			CREATE INDEX entry_taken ON entry(location_id, taken_at, concealed, mtime, name_key, name, kind)
				WHERE taken_at IS NOT NULL;
		`),
	// 14: search as you type (issue 6). The first letters a person types match the most names, and
	// a newest-first scan for names starting with "r" read ~6,600 entries of entry_recent (~1.6 ms)
	// to meet 200, "s" with a date range and an extension ~22,000. The same order within each first
	// character (ASCII letters folded, as NOCASE and LIKE fold them) reads only names that start
	// with it: 200 of them in ~0.1 ms (bench search, Node). Its cost: ~65 MB built here on 1,000,000
	// entries in ~5 s, ~72 MB (11% of the file) when kept up as entries come, and the bench's
	// generator, writing entries in no order, took 123 s instead of 96.
	(sql) =>
		sql.exec(`
			CREATE INDEX entry_initial
				ON entry(lower(substr(name, 1, 1)), mtime DESC, name_key, name, id, concealed, kind, location_id);
		`)
];

/** The statistics kind of an entry row (`new`, `old` or an alias), as the stat_kind triggers count it. */
function statKind(row: string): string {
	return `CASE WHEN ${row}.is_dir THEN 'folder' WHEN ${row}.cas_id IS NULL THEN iif(${row}.size = 0, 'empty', 'pending')
		ELSE coalesce((SELECT kind FROM content WHERE cas_id = ${row}.cas_id), 'unknown') END`;
}
