import { VdfsError } from '../errors';

/** Splits `a/b/c.txt` into parent `a/b` and name `c.txt`; a top-level name has parent ''. */
export function splitPath(path: string): { parent: string; name: string } {
	if (!path || path.startsWith('/') || path.endsWith('/') || path.includes('//')) {
		throw new VdfsError('InvalidInput', `“${path}” is not a relative path inside a location.`);
	}
	const slash = path.lastIndexOf('/');
	return slash < 0 ? { parent: '', name: path } : { parent: path.slice(0, slash), name: path.slice(slash + 1) };
}

/** Lower-case extension without the dot; none for dot-files such as `.gitignore`. */
export function extensionOf(name: string): string {
	const dot = name.lastIndexOf('.');
	return dot > 0 && dot < name.length - 1 ? name.slice(dot + 1).toLowerCase() : '';
}

export function isHiddenName(name: string): boolean {
	return name.startsWith('.');
}
