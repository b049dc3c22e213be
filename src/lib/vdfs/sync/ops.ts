import type { Sql } from '../db/sql';
import { VdfsError } from '../errors';
import type { OpenLibrary } from '../library/library';
import { Hlc, formatStamp, isStamp, parseStamp, type Stamp } from './hlc';

/**
 * Shared rows (DESIGN.md §5): tags, what they are on, user metadata, saved searches. They change
 * only through ops: "set these fields of this row", stamped with a hybrid logical clock. Each
 * field keeps the stamp that set it (`<field>_at`), and an op's field wins only over an older
 * stamp, so ops are idempotent, commute, and an old op can never win after the log is pruned.
 * Sync (a later issue) ships the `shared_op` log; applying is the same code here and there.
 */
export const SHARED_TABLES = {
	tag: { keys: ['uuid'], fields: { name: 'text', color: 'text', parent: 'ref', deleted: 'flag' } },
	/** A tag on a content id (every copy carries it) or on one entry's uuid (pinned to a path). */
	tag_link: { keys: ['tag', 'target'], fields: { linked: 'flag' } },
	/** Favorite, note and hidden, on a content id or (a folder, an unidentified file) an entry uuid. */
	user_meta: { keys: ['target'], fields: { favorite: 'flag', note: 'text', hidden: 'flag' } },
	saved_search: { keys: ['uuid'], fields: { name: 'text', query: 'text', deleted: 'flag' } }
} as const satisfies Record<string, { keys: readonly string[]; fields: Record<string, FieldType> }>;

type FieldType = 'text' | 'ref' | 'flag';
export type SharedTable = keyof typeof SHARED_TABLES;
type FieldsOf<T extends SharedTable> = keyof (typeof SHARED_TABLES)[T]['fields'];
type FieldValue = string | number | null;

export interface SharedOp<T extends SharedTable = SharedTable> {
	/** (hlc, device) of the change: unique per op, and its order. */
	at: Stamp;
	table: T;
	/** The row's key columns, in SHARED_TABLES order. */
	key: string[];
	set: Partial<Record<FieldsOf<T>, FieldValue>>;
}

/** Longest text a shared field holds (a note); names are shorter, checked where they are made. */
const MAX_TEXT = 20_000;

/** Checks an op's shape (ops will also arrive from peers): a bad one is refused, never half-applied. */
export function validateOp(op: unknown): SharedOp {
	const o = op as Partial<SharedOp> | null;
	const fail = (why: string): never => {
		throw new VdfsError('InvalidInput', `A shared change was refused: ${why}.`);
	};
	if (!o || typeof o !== 'object') return fail('not an object');
	if (!isStamp(o.at)) return fail('no valid clock stamp');
	const spec =
		typeof o.table === 'string'
			? (SHARED_TABLES as Record<string, (typeof SHARED_TABLES)[SharedTable]>)[o.table]
			: undefined;
	if (!spec) return fail(`unknown table “${String(o.table)}”`);
	if (
		!Array.isArray(o.key) ||
		o.key.length !== spec.keys.length ||
		o.key.some((k) => typeof k !== 'string' || !k || k.length > 200)
	) {
		return fail('bad row key');
	}
	if (!o.set || typeof o.set !== 'object') return fail('no fields');
	const fields = Object.entries(o.set as Record<string, unknown>);
	if (fields.length === 0) return fail('no fields');
	for (const [field, value] of fields) {
		const type = (spec.fields as Record<string, FieldType>)[field];
		if (!type) return fail(`unknown field “${field}”`);
		const ok =
			type === 'flag'
				? value === 0 || value === 1
				: type === 'ref'
					? value === null || (typeof value === 'string' && value.length <= 200)
					: typeof value === 'string' && value.length <= MAX_TEXT;
		if (!ok) return fail(`bad value for “${field}”`);
	}
	return o as SharedOp;
}

const statements = new Map<string, string>();

/** INSERT … ON CONFLICT DO UPDATE that sets each field only where the op's stamp is newer. */
function upsertSql(table: SharedTable, fields: string[]): string {
	const cacheKey = `${table}:${fields.join(',')}`;
	let text = statements.get(cacheKey);
	if (!text) {
		const keys = SHARED_TABLES[table].keys as readonly string[];
		const cols = [...keys, ...fields.flatMap((f) => [f, `${f}_at`])];
		const values = cols.map((_, i) => `?${i + 1}`);
		const updates = fields.map(
			(f) =>
				`${f} = iif(excluded.${f}_at > ${table}.${f}_at, excluded.${f}, ${table}.${f}),
				${f}_at = max(excluded.${f}_at, ${table}.${f}_at)`
		);
		text = `INSERT INTO ${table} (${cols.join(', ')}) VALUES (${values.join(', ')})
			ON CONFLICT (${keys.join(', ')}) DO UPDATE SET ${updates.join(', ')}`;
		statements.set(cacheKey, text);
	}
	return text;
}

/**
 * Applies ops (already validated) to the shared tables and logs the ones not seen before:
 * in any order, any number of times, the result is the same.
 */
export function applyOps(sql: Sql, ops: readonly SharedOp[]): number {
	let fresh = 0;
	sql.tx(() => {
		for (const op of ops) {
			const isNew = sql.run('INSERT OR IGNORE INTO shared_op (at, op) VALUES (?, ?)', [op.at, JSON.stringify(op)]) > 0;
			if (!isNew) continue;
			fresh++;
			const fields = Object.keys(op.set).sort();
			const values = fields.flatMap((f) => [(op.set as Record<string, FieldValue>)[f], op.at]);
			sql.run(upsertSql(op.table, fields), [...op.key, ...values]);
		}
	});
	return fresh;
}

/** This device's clock in a library, kept in library_meta so stamps stay monotonic across restarts. */
function clockOf(lib: OpenLibrary, device: string): Hlc {
	const last = lib.sql.value<string>("SELECT value FROM library_meta WHERE key = 'hlc'");
	return new Hlc(device, last ? parseStamp(last) : undefined);
}

/**
 * Makes local changes: each gets a fresh stamp, is logged and applied in one transaction.
 * `device` is this device's uuid (the stamps' tie-breaker).
 */
export function change(lib: OpenLibrary, device: string, changes: readonly Omit<SharedOp, 'at'>[]): SharedOp[] {
	return lib.sql.tx(() => {
		const clock = clockOf(lib, device);
		// Above every op this library has seen, from any device (their stamps are in the log).
		const newest = lib.sql.value<string>('SELECT max(at) FROM shared_op');
		if (newest) clock.receive(newest);
		const ops = changes.map((c) => ({ ...c, at: clock.now() }) as SharedOp);
		applyOps(lib.sql, ops);
		const { ms, counter } = clock.state;
		lib.sql.run("INSERT OR REPLACE INTO library_meta (key, value) VALUES ('hlc', ?)", [
			formatStamp(ms, counter, device)
		]);
		return ops;
	});
}
