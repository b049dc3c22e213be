import type { Sql } from '../db/sql';
import { VdfsError } from '../errors';
import type { LibraryId } from '../ids';

/**
 * Pairing invites (DESIGN.md §6): a one-time 128-bit secret that expires. They live in the node
 * database (this device's, not a library's) so a reload in the ten minutes keeps them; the
 * secret is deleted once the invite is used, burnt or stale.
 */

/** @default 10 minutes */
export const INVITE_TTL_MS = 10 * 60_000;
/** Wrong proofs an invite takes before it is burnt: a link is copied, not typed, so few. */
export const INVITE_MAX_FAILURES = 3;

interface InviteRow {
	id: string;
	secret: string;
	library: LibraryId;
	expires_at: number;
	used_at: number | null;
	failures: number;
}

const toBase64Url = (bytes: Uint8Array): string =>
	btoa(String.fromCharCode(...bytes))
		.replaceAll('+', '-')
		.replaceAll('/', '_')
		.replace(/=+$/, '');

const toHex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

export function createInvite(
	node: Sql,
	library: LibraryId,
	now = Date.now()
): { invite: string; secret: string; expiresAt: number } {
	// Stale invites go first: nothing else ever reads them.
	node.run('DELETE FROM pair_invite WHERE expires_at < ? OR used_at IS NOT NULL', [now - INVITE_TTL_MS]);
	const invite = toHex(crypto.getRandomValues(new Uint8Array(8)));
	const secret = toBase64Url(crypto.getRandomValues(new Uint8Array(16)));
	const expiresAt = now + INVITE_TTL_MS;
	node.run('INSERT INTO pair_invite (id, secret, library, expires_at) VALUES (?, ?, ?, ?)', [
		invite,
		secret,
		library,
		expiresAt
	]);
	return { invite, secret, expiresAt };
}

/** An invite that can still be used, or the reason it cannot (as a VdfsError a person can read). */
export function openInvite(node: Sql, invite: string, now = Date.now()): { secret: string; library: LibraryId } {
	const row =
		typeof invite === 'string' ? node.get<InviteRow>('SELECT * FROM pair_invite WHERE id = ?', [invite]) : undefined;
	if (!row) {
		throw new VdfsError(
			'PairingUnknown',
			'This device has no such invite: it may have been cancelled. Open “Add device” for a new link.'
		);
	}
	if (row.used_at !== null) {
		throw new VdfsError(
			'PairingUsed',
			row.failures >= INVITE_MAX_FAILURES
				? 'This invite was cancelled after wrong attempts. Open “Add device” for a new link.'
				: 'This invite was already used. Each link pairs one device: open “Add device” for a new one.'
		);
	}
	if (row.expires_at <= now) {
		throw new VdfsError(
			'PairingExpired',
			'This invite has expired (links last 10 minutes). Open “Add device” for a new one.'
		);
	}
	return { secret: row.secret, library: row.library };
}

/** Marks an invite used (the caller stores the device in the same transaction). */
export function consumeInvite(node: Sql, invite: string, now = Date.now()): LibraryId {
	const { library } = openInvite(node, invite, now);
	node.run("UPDATE pair_invite SET used_at = ?, secret = '' WHERE id = ?", [now, invite]);
	return library;
}

/** A wrong proof: counted, and the invite is burnt after INVITE_MAX_FAILURES. */
export function inviteFailed(node: Sql, invite: string, now = Date.now()): void {
	node.run(
		`UPDATE pair_invite SET failures = failures + 1,
			used_at = iif(failures + 1 >= ?, ?, used_at), secret = iif(failures + 1 >= ?, '', secret)
		 WHERE id = ?`,
		[INVITE_MAX_FAILURES, now, INVITE_MAX_FAILURES, invite]
	);
}

/** Takes back one invite not used yet, or all of them. */
export function cancelInvites(node: Sql, invite?: string): void {
	if (invite === undefined) node.run('DELETE FROM pair_invite WHERE used_at IS NULL');
	else node.run('DELETE FROM pair_invite WHERE used_at IS NULL AND id = ?', [invite]);
}
