/**
 * Errors are values with a code and a message a person can act on (STYLE.md "APIs").
 * They cross the worker and tab boundaries as plain objects and are rebuilt on the other side.
 */
export type VdfsErrorCode =
	| 'NotFound'
	| 'AlreadyExists'
	| 'InvalidInput'
	| 'QuotaExceeded'
	| 'DatabaseCorrupt'
	| 'ForeignDatabase'
	| 'DatabaseTooNew'
	| 'StorageUnavailable'
	| 'CoreUnavailable'
	| 'Cancelled'
	| 'PermissionLost'
	| 'NotReadable'
	/** A file or folder could not be written: read-only, in use, or a folder in the way. */
	| 'NotWritable'
	/** The target file system refuses a name. */
	| 'InvalidName'
	/** This browser cannot read the format (a codec it lacks, a broken file). */
	| 'Unsupported'
	/** Pairing: the invite is not known here, has expired, was used, or the secret is wrong. */
	| 'PairingUnknown'
	| 'PairingExpired'
	| 'PairingUsed'
	| 'PairingWrongSecret'
	| 'PairingBadLink'
	| 'PairingMalformed'
	/** A device could not be reached (offline, no relay, no route). */
	| 'PeerUnreachable'
	/** A peer that is not a device of this library asked for something. */
	| 'NotAuthorized'
	| 'Internal';

export class VdfsError extends Error {
	override readonly name = 'VdfsError';
	constructor(
		readonly code: VdfsErrorCode,
		message: string,
		/** Extra facts for the UI, e.g. which library is broken. */
		readonly detail?: Record<string, string>
	) {
		super(message);
	}
}

export interface SerializedError {
	code: VdfsErrorCode;
	message: string;
	detail?: Record<string, string>;
}

export function serializeError(e: unknown): SerializedError {
	const err = toVdfsError(e);
	return err.detail
		? { code: err.code, message: err.message, detail: err.detail }
		: { code: err.code, message: err.message };
}

export function deserializeError(s: SerializedError): VdfsError {
	return new VdfsError(s.code, s.message, s.detail);
}

export function isSerializedError(v: unknown): v is SerializedError {
	return (
		typeof v === 'object' &&
		v !== null &&
		typeof (v as SerializedError).code === 'string' &&
		typeof (v as SerializedError).message === 'string'
	);
}

const QUOTA_MESSAGE =
	'The browser has no room left for Orrery’s data. Free some disk space or delete a library, then try again. Nothing was changed.';

/**
 * Maps anything thrown (SQLite result codes, DOMExceptions from OPFS) onto a VdfsError.
 * SQLite reports a failed OPFS write as SQLITE_FULL or SQLITE_IOERR*; the sahpool VFS keeps
 * the DOMException name in the message, so both are checked.
 */
export function toVdfsError(e: unknown): VdfsError {
	if (e instanceof VdfsError) return e;
	// DOMException inherits from Error in browsers and in Node, so OPFS failures land here too.
	const name = e instanceof Error ? e.name : '';
	const message = e instanceof Error ? e.message : String(e);
	const rc = sqliteResultName(e);
	if (
		name === 'QuotaExceededError' ||
		/QuotaExceeded|SQLITE_FULL|database or disk is full/i.test(message) ||
		rc === 'SQLITE_FULL'
	) {
		return new VdfsError('QuotaExceeded', QUOTA_MESSAGE);
	}
	if (rc === 'SQLITE_CORRUPT' || /SQLITE_CORRUPT|malformed/i.test(message)) {
		return new VdfsError('DatabaseCorrupt', 'The library file is damaged: ' + message);
	}
	if (rc === 'SQLITE_NOTADB' || /SQLITE_NOTADB|file is not a database/i.test(message)) {
		return new VdfsError('DatabaseCorrupt', 'The library file is not a database.');
	}
	return new VdfsError('Internal', message || 'Unknown error');
}

function sqliteResultName(e: unknown): string | undefined {
	if (typeof e !== 'object' || e === null) return undefined;
	const rc = (e as { resultCode?: number }).resultCode;
	if (typeof rc !== 'number') return undefined;
	// Primary result codes (the low byte), from sqlite3.h.
	const primary: Record<number, string> = {
		11: 'SQLITE_CORRUPT',
		13: 'SQLITE_FULL',
		26: 'SQLITE_NOTADB',
		10: 'SQLITE_IOERR'
	};
	return primary[rc & 0xff];
}
