/// <reference lib="webworker" />
/**
 * A walker: lists folders of one location (names, sizes, mtimes) for the core worker, so the
 * file system calls of a walk run beside the core's database writes (see WalkerSource).
 */
import { expose } from 'comlink';
import type { LocationKind } from '$lib/vdfs/api';
import { FsaSource } from '$lib/vdfs/fs/fsa-source';
import type { ListOptions } from '$lib/vdfs/fs/source';
import type { WalkerApi } from '$lib/vdfs/fs/walker-source';
import { installErrorTransfer } from '$lib/vdfs/rpc/comlink-errors';

installErrorTransfer();

let source: FsaSource | null = null;

const api: WalkerApi = {
	open(root: FileSystemDirectoryHandle, kind: LocationKind) {
		source = new FsaSource(root, kind);
	},
	list(dirPath: string, options?: ListOptions) {
		if (!source) throw new Error('The walker was not given a folder.');
		return source.list(dirPath, undefined, options);
	}
};

expose(api);
