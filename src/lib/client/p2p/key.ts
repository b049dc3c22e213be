import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys';
import type { PrivateKey } from '@libp2p/interface';
import { createStore, get, set } from 'idb-keyval';

/**
 * This browser profile's libp2p identity: one Ed25519 key, kept in IndexedDB (DESIGN.md §6), so
 * the peer id paired devices know survives reloads. Noise proves it on every connection.
 */
const store = () => createStore('orrery-peer', 'keys');
const KEY = 'ed25519';

export async function loadPeerKey(): Promise<PrivateKey> {
	const saved = await get<Uint8Array>(KEY, store());
	if (saved) {
		try {
			return privateKeyFromProtobuf(saved);
		} catch (e) {
			// A damaged key cannot be repaired; a new identity means pairing again, so say so.
			console.error('Orrery: the saved peer key could not be read; making a new one (devices must pair again).', e);
		}
	}
	const key = await generateKeyPair('Ed25519');
	await set(KEY, privateKeyToProtobuf(key), store());
	return key;
}
