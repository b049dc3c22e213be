import { newId } from '../ids';
import { writeError } from '../ops/handles';
import { PARTIAL_PREFIX, checkName, numberedNames } from '../ops/names';

/**
 * "Import files" into a folder of Orrery's own storage. A file is streamed to a temporary name
 * and renamed when whole, so a failed or interrupted import never leaves a half file under the
 * real name, and an existing name is never overwritten: the newcomer gets a numbered name.
 */

/** `name`, or `name (2).ext`, `name (3).ext`… whichever is free in the folder. */
export async function freeName(dir: FileSystemDirectoryHandle, name: string): Promise<string> {
	const taken = new Set<string>();
	for await (const key of (dir as unknown as { keys(): AsyncIterable<string> }).keys()) taken.add(key);
	for (const candidate of numberedNames(name, false)) if (!taken.has(candidate)) return candidate;
	return name;
}

/** Streams a file into the folder under a free name; returns the name it got. */
export async function importFile(parent: FileSystemDirectoryHandle, file: File, signal?: AbortSignal): Promise<string> {
	const name = await freeName(parent, checkName(file.name));
	const partial = `${PARTIAL_PREFIX}${newId()}`;
	let handle: FileSystemFileHandle | undefined;
	try {
		handle = await parent.getFileHandle(partial, { create: true });
		const writable = await handle.createWritable();
		// pipeTo closes the writable when done and aborts it on error: nothing is held whole.
		await file.stream().pipeTo(writable, { signal });
		await (handle as FileSystemFileHandle & { move(name: string): Promise<void> }).move(name);
		return name;
	} catch (e) {
		if (handle) await parent.removeEntry(partial).catch(() => {});
		throw writeError(e, file.name);
	}
}
