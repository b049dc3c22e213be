import type { FileRef, UndoInfo } from '../api';
import type { TrashId } from '../ids';
import type { OpenLibrary } from '../library/library';

/**
 * The actions Undo can reverse (migration 12), newest last. Only the newest is offered; undoing
 * it removes it, so the one before becomes the next. Kept to the last UNDO_KEEP.
 */
export type UndoAction =
	| { kind: 'rename'; from: FileRef; to: FileRef }
	| { kind: 'new-folder'; folder: FileRef }
	| { kind: 'move'; moved: [FileRef, FileRef][] }
	| { kind: 'trash'; ids: TrashId[] };

const UNDO_KEEP = 50;

export function recordUndo(lib: OpenLibrary, label: string, action: UndoAction): void {
	lib.sql.tx(() => {
		lib.sql.run('INSERT INTO undo (at, label, kind, action) VALUES (?, ?, ?, ?)', [
			Date.now(),
			label,
			action.kind,
			JSON.stringify(action)
		]);
		lib.sql.run('DELETE FROM undo WHERE id <= (SELECT max(id) FROM undo) - ?', [UNDO_KEEP]);
	});
}

export function lastUndo(lib: OpenLibrary): (UndoInfo & { id: number; action: UndoAction }) | null {
	const row = lib.sql.get<{ id: number; at: number; label: string; kind: UndoInfo['kind']; action: string }>(
		'SELECT id, at, label, kind, action FROM undo ORDER BY id DESC LIMIT 1'
	);
	return row
		? { id: row.id, at: row.at, label: row.label, kind: row.kind, action: JSON.parse(row.action) as UndoAction }
		: null;
}

export function dropUndo(lib: OpenLibrary, id: number): void {
	lib.sql.run('DELETE FROM undo WHERE id = ?', [id]);
}

export function plural(n: number, one: string, many = `${one}s`): string {
	return `${n} ${n === 1 ? one : many}`;
}
