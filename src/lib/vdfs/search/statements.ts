import type { BindingSpec, Database, PreparedStatement, SqlValue } from '@sqlite.org/sqlite-wasm';

/**
 * Prepared search statements, kept per connection and keyed by their text, the least recently
 * used finalized past MAX. A search's ranking statement takes 0.5–1 ms to prepare (bench search,
 * Node), as long as running it on a few hundred candidates; the texts repeat as a person types,
 * since the text and filter values are bound, not written in. Statements only: no results are kept.
 * Closing the connection finalizes them (oo1 does so for every statement of a database).
 */
const MAX = 32;
const byDb = new WeakMap<Database, Map<string, PreparedStatement>>();

/** The first column of the first row, or undefined without a row. */
export function firstValue(db: Database, text: string, bind?: BindingSpec): SqlValue | undefined {
	let cache = byDb.get(db);
	if (!cache) byDb.set(db, (cache = new Map()));
	let stmt = cache.get(text);
	if (stmt) {
		cache.delete(text);
	} else {
		stmt = db.prepare(text);
		if (cache.size >= MAX) {
			const [oldest, old] = cache.entries().next().value as [string, PreparedStatement];
			cache.delete(oldest);
			old.finalize();
		}
	}
	cache.set(text, stmt);
	try {
		if (bind !== undefined) stmt.bind(bind);
		return stmt.step() ? stmt.get(0) : undefined;
	} finally {
		stmt.reset(true);
	}
}
