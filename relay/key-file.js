import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys';

/**
 * A key file that cannot be used. The relay refuses to start rather than silently taking a new
 * identity: browsers have its peer id in their configuration.
 */
export class KeyFileError extends Error {
	/**
	 * @param {'KeyFileUnreadable' | 'KeyFileCorrupt' | 'KeyFileWrongType' | 'KeyFileUnwritable'} code
	 * @param {string} message
	 */
	constructor(code, message) {
		super(message);
		this.name = 'KeyFileError';
		this.code = code;
	}
}

/**
 * @typedef {object} LoadedKey
 * @property {import('@libp2p/interface').Ed25519PrivateKey} privateKey
 * @property {boolean} created true when the file did not exist and was written now
 * @property {string | undefined} warning set when the file is readable by group or others
 */

/**
 * Reads the relay's Ed25519 key, or creates it (mode 0600) when the file does not exist.
 * The file holds one line: the base64 of the libp2p protobuf encoding of the private key (the
 * same encoding kubo uses in its config), so it can be copied between machines as text.
 *
 * @param {string} path
 * @returns {Promise<LoadedKey>}
 */
export async function loadOrCreateKey(path) {
	/** @type {string} */
	let text;
	try {
		text = await readFile(path, 'utf8');
	} catch (err) {
		if (errorCode(err) !== 'ENOENT') {
			throw new KeyFileError('KeyFileUnreadable', `cannot read the relay key file ${path}: ${errorText(err)}`);
		}
		return { privateKey: await createKey(path), created: true, warning: undefined };
	}
	const privateKey = parseKey(text, path);
	const { mode } = await stat(path);
	const warning =
		(mode & 0o077) !== 0
			? `the relay key file ${path} is readable by other users (mode ${(mode & 0o777).toString(8)}); run chmod 600 on it`
			: undefined;
	return { privateKey, created: false, warning };
}

/**
 * @param {string} text
 * @param {string} path
 * @returns {import('@libp2p/interface').Ed25519PrivateKey}
 */
function parseKey(text, path) {
	const base64 = text.trim();
	const corrupt = `the relay key file ${path} does not hold a relay key`;
	const fix =
		'Restore it from a backup, or move it away to start with a new identity (browsers that know the old peer id must then be given the new address).';
	if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) {
		throw new KeyFileError('KeyFileCorrupt', `${corrupt} (expected one line of base64). ${fix}`);
	}
	/** @type {ReturnType<typeof privateKeyFromProtobuf>} */
	let key;
	try {
		key = privateKeyFromProtobuf(Buffer.from(base64, 'base64'));
	} catch (err) {
		throw new KeyFileError('KeyFileCorrupt', `${corrupt} (${errorText(err)}). ${fix}`);
	}
	if (key.type !== 'Ed25519') {
		throw new KeyFileError(
			'KeyFileWrongType',
			`the relay key file ${path} holds a ${key.type} key; the relay uses Ed25519. ${fix}`
		);
	}
	return key;
}

/**
 * @param {string} path
 * @returns {Promise<import('@libp2p/interface').Ed25519PrivateKey>}
 */
async function createKey(path) {
	const privateKey = await generateKeyPair('Ed25519');
	const text = Buffer.from(privateKeyToProtobuf(privateKey)).toString('base64') + '\n';
	try {
		await mkdir(dirname(path), { recursive: true });
		// 'wx': never overwrite a key another process has just written.
		await writeFile(path, text, { mode: 0o600, flag: 'wx' });
	} catch (err) {
		if (errorCode(err) === 'EEXIST') {
			return parseKey(await readFile(path, 'utf8'), path);
		}
		throw new KeyFileError('KeyFileUnwritable', `cannot create the relay key file ${path}: ${errorText(err)}`);
	}
	return privateKey;
}

/** @param {unknown} err */
function errorCode(err) {
	return err instanceof Error && 'code' in err ? err.code : undefined;
}

/** @param {unknown} err */
function errorText(err) {
	return err instanceof Error ? err.message : String(err);
}
