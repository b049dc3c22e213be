/**
 * FileSystemDirectoryHandle and FileSystemFileHandle in memory, for Node tests of code that
 * writes through them (file operations). They follow what Chromium's origin private file system
 * does where the code depends on it: DOMException names (NotFoundError, TypeMismatchError,
 * InvalidModificationError, QuotaExceededError), createWritable() writing to a swap that only
 * close() commits, move() on files only, replacing a file of the same name, and removeEntry() refusing a folder
 * with children unless recursive. The browser suites run the same operations on real OPFS.
 */

function domError(name: string, message: string): DOMException {
	return new DOMException(message, name);
}

/** What a test can make go wrong, shared by every handle of one tree. */
export interface MemoryFsFaults {
	/** Bytes the tree may hold in all; a write beyond it fails with QuotaExceededError. */
	quota?: number;
	/** Called before each chunk is written (a test can abort or fail a copy midway). */
	onWrite?: (name: string, written: number) => void | Promise<void>;
	/** Called before each move() (a test can hang a rename, as a closed page would). */
	onMove?: (name: string) => void | Promise<void>;
	/** Called at each getFile() (a test can make another file vanish as one is read). */
	onRead?: (name: string) => void;
	/** Names whose getFile() fails with NotReadableError. */
	unreadable?: Set<string>;
}

type Child = MemoryDirHandle | MemoryFileHandle;

abstract class MemoryHandle {
	parent: MemoryDirHandle | null = null;
	constructor(
		public name: string,
		readonly faults: MemoryFsFaults
	) {}
	isSameEntry(other: FileSystemHandle): Promise<boolean> {
		return Promise.resolve((other as unknown) === this);
	}
	moveNow(a: MemoryDirHandle | string, b?: string): Promise<void> {
		const parent = typeof a === 'string' ? this.parent! : a;
		const name = typeof a === 'string' ? a : (b ?? this.name);
		if (!this.parent) return Promise.reject(domError('InvalidModificationError', 'Cannot move the root.'));
		for (let p: MemoryDirHandle | null = parent; p; p = p.parent) {
			if ((p as unknown) === this)
				return Promise.reject(domError('InvalidModificationError', 'Cannot move into itself.'));
		}
		const existing = parent.entries_.get(name);
		if (existing && existing !== (this as unknown)) {
			if (existing instanceof MemoryDirHandle) {
				return Promise.reject(domError('InvalidModificationError', 'A folder is in the way.'));
			}
			parent.entries_.delete(name);
		}
		this.parent.entries_.delete(this.name);
		this.name = name;
		this.parent = parent;
		parent.entries_.set(name, this as unknown as Child);
		return Promise.resolve();
	}
}

export class MemoryFileHandle extends MemoryHandle {
	readonly kind = 'file' as const;

	/**
	 * move(name) or move(parent, name?), as Chromium's FileSystemFileHandle.move(). Folders have
	 * no move() in Chromium (measured in pages and workers), so MemoryDirHandle has none either.
	 */
	async move(a: MemoryDirHandle | string, b?: string): Promise<void> {
		await this.faults.onMove?.(this.name);
		return this.moveNow(a, b);
	}
	data: Uint8Array<ArrayBuffer> = new Uint8Array(0);
	mtime = Date.now();

	getFile(): Promise<File> {
		if (!this.parent?.entries_.has(this.name) || this.parent.entries_.get(this.name) !== this) {
			return Promise.reject(domError('NotFoundError', `${this.name} is gone.`));
		}
		this.faults.onRead?.(this.name);
		if (this.faults.unreadable?.has(this.name)) return Promise.reject(domError('NotReadableError', 'Unreadable.'));
		// Read in 64 KiB parts, as a file on disk streams: a copy can be stopped between them.
		const parts: Uint8Array<ArrayBuffer>[] = [];
		for (let at = 0; at < this.data.byteLength; at += 65536) parts.push(this.data.subarray(at, at + 65536));
		return Promise.resolve(new File(parts, this.name, { lastModified: this.mtime }));
	}

	createWritable(): Promise<WritableStream<Uint8Array | Blob>> {
		const chunks: Uint8Array[] = [];
		let written = 0;
		const faults = this.faults;
		const root = this.root();
		return Promise.resolve(
			new WritableStream<Uint8Array | Blob>({
				write: async (chunk: Uint8Array | Blob) => {
					// FileSystemWritableFileStream takes bytes or a Blob.
					const bytes =
						chunk instanceof Blob
							? new Uint8Array(await chunk.arrayBuffer())
							: chunk instanceof Uint8Array
								? chunk
								: new Uint8Array(chunk as ArrayBuffer);
					await faults.onWrite?.(this.name, written);
					if (faults.quota !== undefined && root.usage() + written + bytes.byteLength > faults.quota) {
						throw domError('QuotaExceededError', 'The quota has been exceeded.');
					}
					chunks.push(bytes.slice());
					written += bytes.byteLength;
				},
				close: () => {
					const data = new Uint8Array(written);
					let at = 0;
					for (const c of chunks) {
						data.set(c, at);
						at += c.byteLength;
					}
					this.data = data;
					this.mtime = Date.now();
				}
			})
		);
	}

	root(): MemoryDirHandle {
		let p = this.parent!;
		while (p.parent) p = p.parent;
		return p;
	}
}

export class MemoryDirHandle extends MemoryHandle {
	readonly kind = 'directory' as const;
	readonly entries_ = new Map<string, Child>();

	constructor(name = '', faults: MemoryFsFaults = {}) {
		super(name, faults);
	}

	getDirectoryHandle(name: string, options: { create?: boolean } = {}): Promise<MemoryDirHandle> {
		const found = this.entries_.get(name);
		if (found instanceof MemoryDirHandle) return Promise.resolve(found);
		if (found) return Promise.reject(domError('TypeMismatchError', `${name} is a file.`));
		if (!options.create) return Promise.reject(domError('NotFoundError', `${name} not found.`));
		checkName(name);
		const dir = new MemoryDirHandle(name, this.faults);
		dir.parent = this;
		this.entries_.set(name, dir);
		return Promise.resolve(dir);
	}

	getFileHandle(name: string, options: { create?: boolean } = {}): Promise<MemoryFileHandle> {
		const found = this.entries_.get(name);
		if (found instanceof MemoryFileHandle) return Promise.resolve(found);
		if (found) return Promise.reject(domError('TypeMismatchError', `${name} is a folder.`));
		if (!options.create) return Promise.reject(domError('NotFoundError', `${name} not found.`));
		checkName(name);
		const file = new MemoryFileHandle(name, this.faults);
		file.parent = this;
		this.entries_.set(name, file);
		return Promise.resolve(file);
	}

	removeEntry(name: string, options: { recursive?: boolean } = {}): Promise<void> {
		const found = this.entries_.get(name);
		if (!found) return Promise.reject(domError('NotFoundError', `${name} not found.`));
		if (found instanceof MemoryDirHandle && found.entries_.size > 0 && !options.recursive) {
			return Promise.reject(domError('InvalidModificationError', `${name} is not empty.`));
		}
		this.entries_.delete(name);
		return Promise.resolve();
	}

	async *keys(): AsyncGenerator<string> {
		for (const name of [...this.entries_.keys()]) yield name;
	}

	async *values(): AsyncGenerator<Child> {
		for (const child of [...this.entries_.values()]) yield child;
	}

	async *entries(): AsyncGenerator<[string, Child]> {
		for (const pair of [...this.entries_.entries()]) yield pair;
	}

	/** Bytes held by every file under this folder. */
	usage(): number {
		let total = 0;
		for (const child of this.entries_.values())
			total += child instanceof MemoryDirHandle ? child.usage() : child.data.byteLength;
		return total;
	}

	// ---- test helpers

	/** Writes a file (folders on the way are made), with given bytes and mtime. */
	put(path: string, content: string | Uint8Array, mtime = 1_700_000_000_000): MemoryFileHandle {
		const parts = path.split('/');
		let dir = this as MemoryDirHandle;
		for (const part of parts.slice(0, -1)) {
			let next = dir.entries_.get(part);
			if (!next) {
				next = new MemoryDirHandle(part, this.faults);
				next.parent = dir;
				dir.entries_.set(part, next);
			}
			dir = next as MemoryDirHandle;
		}
		const file = new MemoryFileHandle(parts[parts.length - 1], this.faults);
		file.parent = dir;
		file.data = typeof content === 'string' ? new TextEncoder().encode(content) : new Uint8Array(content);
		file.mtime = mtime;
		dir.entries_.set(file.name, file);
		return file;
	}

	/** The handle at a path, or undefined. */
	at(path: string): Child | undefined {
		let node = this as Child | undefined;
		for (const part of path ? path.split('/') : []) {
			if (!(node instanceof MemoryDirHandle)) return undefined;
			node = node.entries_.get(part);
		}
		return node;
	}

	/** Every file under this folder: path → text (for comparing trees). */
	files(prefix = ''): Record<string, string> {
		const out: Record<string, string> = {};
		for (const [name, child] of this.entries_) {
			const path = prefix ? `${prefix}/${name}` : name;
			if (child instanceof MemoryDirHandle) Object.assign(out, child.files(path));
			else out[path] = new TextDecoder().decode(child.data);
		}
		return out;
	}

	/** Every path under this folder, folders with a trailing slash, sorted. */
	paths(prefix = ''): string[] {
		const out: string[] = [];
		for (const [name, child] of this.entries_) {
			const path = prefix ? `${prefix}/${name}` : name;
			if (child instanceof MemoryDirHandle) out.push(`${path}/`, ...child.paths(path));
			else out.push(path);
		}
		return out.sort();
	}
}

function checkName(name: string): void {
	if (name === '' || name === '.' || name === '..' || /[/\\]/.test(name))
		throw new TypeError(`Name is not allowed: ${name}`);
}

export function asHandle(dir: MemoryDirHandle): FileSystemDirectoryHandle {
	return dir as unknown as FileSystemDirectoryHandle;
}
