import type { DeviceInfo, DeviceSummary } from '../api';
import { VdfsError } from '../errors';
import { isUuid, type DeviceId } from '../ids';
import type { OpenLibrary } from '../library/library';

/**
 * The devices of a library (DESIGN.md §4, §6). This device's row is kept by OpenLibrary; the
 * others arrive by pairing. A device is trusted while it has a peer id and is not revoked:
 * library protocols answer only those (client/p2p checks with `trustedDevice`).
 */

interface DeviceRow {
	uuid: DeviceId;
	name: string;
	platform: string;
	peer_id: string | null;
	last_seen: number | null;
	paired_at: number | null;
	addrs: string;
	self: number;
}

const COLUMNS = `uuid, name, platform, peer_id, last_seen, paired_at, addrs`;

function summary(row: DeviceRow): DeviceSummary {
	let addrs: string[] = [];
	try {
		const parsed: unknown = JSON.parse(row.addrs);
		if (Array.isArray(parsed)) addrs = parsed.filter((a): a is string => typeof a === 'string');
	} catch {
		// A bad value is only a lost hint: the device is still dialled through the relay.
	}
	return {
		id: row.uuid,
		name: row.name,
		platform: row.platform,
		peerId: row.peer_id,
		self: row.self === 1,
		lastSeen: row.last_seen,
		pairedAt: row.paired_at,
		addrs
	};
}

/** This device first, then the paired ones by name; removed devices are left out. */
export function listDevices(lib: OpenLibrary): DeviceSummary[] {
	return lib.sql
		.all<DeviceRow>(
			`SELECT ${COLUMNS}, id = ? AS self FROM device
			 WHERE id = ? OR (paired_at IS NOT NULL AND revoked_at IS NULL)
			 ORDER BY self DESC, name COLLATE NOCASE, uuid`,
			[lib.deviceRowId, lib.deviceRowId]
		)
		.map(summary);
}

/** The paired, unrevoked device with this peer id, or null (this device is never "trusted"). */
export function trustedDevice(lib: OpenLibrary, peerId: string): DeviceSummary | null {
	const row = lib.sql.get<DeviceRow>(
		`SELECT ${COLUMNS}, 0 AS self FROM device INDEXED BY device_peer
		 WHERE peer_id = ? AND paired_at IS NOT NULL AND revoked_at IS NULL AND id != ?`,
		[peerId, lib.deviceRowId]
	);
	return row ? summary(row) : null;
}

/** A paired, unrevoked device has this id under another key (a joiner claiming its rows). */
export function claimedByOther(lib: OpenLibrary, device: DeviceInfo): boolean {
	const row = lib.sql.get<{ peer_id: string | null; revoked_at: number | null; paired_at: number | null }>(
		'SELECT peer_id, revoked_at, paired_at FROM device WHERE uuid = ?',
		[device.id]
	);
	return !!row && row.paired_at !== null && row.revoked_at === null && !!row.peer_id && row.peer_id !== device.peerId;
}

/** A device of this library that was removed (so it can be told, not just refused). */
export function isRevoked(lib: OpenLibrary, peerId: string): boolean {
	return !!lib.sql.value<number>(
		'SELECT 1 FROM device INDEXED BY device_peer WHERE peer_id = ? AND revoked_at IS NOT NULL AND id != ?',
		[peerId, lib.deviceRowId]
	);
}

/** Checks a device description from another device (pairing messages cross a trust boundary). */
export function checkDeviceInfo(d: unknown): DeviceInfo {
	const v = d as Partial<DeviceInfo> | null;
	const ok =
		typeof v === 'object' &&
		v !== null &&
		isUuid(v.id) &&
		typeof v.name === 'string' &&
		v.name.trim().length > 0 &&
		v.name.length <= 200 &&
		typeof v.platform === 'string' &&
		v.platform.length <= 500 &&
		typeof v.peerId === 'string' &&
		/^[1-9A-HJ-NP-Za-km-z]{20,100}$/.test(v.peerId);
	if (!ok) throw new VdfsError('PairingMalformed', 'The other device sent a device description Orrery cannot read.');
	return { id: v.id as DeviceId, name: v.name!.trim(), platform: v.platform!, peerId: v.peerId! };
}

/**
 * Adds or updates a paired device (pairing, or a member learnt from the inviter). Pairing again
 * lifts an earlier removal. This device's own row is never overwritten from outside.
 */
export function putPairedDevice(lib: OpenLibrary, device: DeviceInfo, now = Date.now()): void {
	const d = checkDeviceInfo(device);
	const self = lib.sql.value<string>('SELECT uuid FROM device WHERE id = ?', [lib.deviceRowId]);
	if (d.id === self) return;
	lib.sql.run(
		`INSERT INTO device (uuid, name, platform, peer_id, paired_at) VALUES (?, ?, ?, ?, ?)
		 ON CONFLICT (uuid) DO UPDATE SET name = excluded.name, platform = excluded.platform,
			peer_id = excluded.peer_id, paired_at = excluded.paired_at, revoked_at = NULL`,
		[d.id, d.name, d.platform, d.peerId, now]
	);
}

/** A paired device was heard from: when, under which name, at which addresses. */
export function deviceSeen(
	lib: OpenLibrary,
	peerId: string,
	changes: { name?: string; platform?: string; addrs?: string[] },
	now = Date.now()
): DeviceSummary | null {
	const device = trustedDevice(lib, peerId);
	if (!device) return null;
	const name = typeof changes.name === 'string' && changes.name.trim() ? changes.name.trim().slice(0, 200) : null;
	const platform = typeof changes.platform === 'string' ? changes.platform.slice(0, 500) : null;
	const addrs = Array.isArray(changes.addrs)
		? JSON.stringify(changes.addrs.filter((a) => typeof a === 'string' && a.length < 1000).slice(0, 16))
		: null;
	lib.sql.run(
		`UPDATE device SET last_seen = ?, name = coalesce(?, name), platform = coalesce(?, platform),
			addrs = coalesce(?, addrs) WHERE uuid = ?`,
		[now, name, platform, addrs, device.id]
	);
	return { ...device, lastSeen: now, name: name ?? device.name };
}

/** Takes a device out of the library's trust (its rows stay: they are its device-owned data). */
export function revokeDevice(lib: OpenLibrary, id: DeviceId, now = Date.now()): DeviceSummary {
	const row = lib.sql.get<DeviceRow>(`SELECT ${COLUMNS}, id = ? AS self FROM device WHERE uuid = ?`, [
		lib.deviceRowId,
		id
	]);
	if (!row || row.paired_at === null) throw new VdfsError('NotFound', 'That device is not paired with this library.');
	if (row.self === 1) throw new VdfsError('InvalidInput', 'This device cannot remove itself from its library.');
	lib.sql.run('UPDATE device SET revoked_at = ? WHERE uuid = ?', [now, id]);
	return summary(row);
}
