import ignore, { type Ignore } from 'ignore';
import { isWorkingName } from '../ops/names';

/** Indexer rules of a location (stored as JSON in location.rules). Defaults as Spacedrive's. */
export interface IndexerRules {
	/** Skip OS junk: .DS_Store, Thumbs.db, desktop.ini, $RECYCLE.BIN, System Volume Information… @default true */
	skipSystemJunk: boolean;
	/** Skip names starting with a dot. @default false */
	skipHidden: boolean;
	/** Folder names never entered. @default ['.git', 'node_modules'] */
	skipFolders: string[];
	/** Honour .gitignore files inside the tree. @default true */
	gitignore: boolean;
}

export const DEFAULT_RULES: IndexerRules = {
	skipSystemJunk: true,
	skipHidden: false,
	skipFolders: ['.git', 'node_modules'],
	gitignore: true
};

const SYSTEM_JUNK = new Set([
	'.DS_Store',
	'.AppleDouble',
	'.Spotlight-V100',
	'.Trashes',
	'.fseventsd',
	'Thumbs.db',
	'ehthumbs.db',
	'desktop.ini',
	'$RECYCLE.BIN',
	'System Volume Information',
	'.orrery-trash'
]);

export function parseRules(json: string | null | undefined): IndexerRules {
	try {
		return { ...DEFAULT_RULES, ...(JSON.parse(json || '{}') as Partial<IndexerRules>) };
	} catch {
		return { ...DEFAULT_RULES };
	}
}

/** The .gitignore files that apply in a folder: each with the folder it sits in. */
export type GitignoreChain = readonly { dir: string; matcher: Ignore }[];

export function gitignoreMatcher(text: string): Ignore {
	return ignore({ allowRelativePaths: true }).add(text);
}

/** Whether a child (at `path`, relative to the location) is left out of the index. */
export function isExcluded(
	rules: IndexerRules,
	chain: GitignoreChain,
	path: string,
	name: string,
	isDir: boolean
): boolean {
	// Orrery's own trash and half-written copies are never part of the index.
	if (isWorkingName(name)) return true;
	if (rules.skipSystemJunk && (SYSTEM_JUNK.has(name) || name.startsWith('._'))) return true;
	if (rules.skipHidden && name.startsWith('.')) return true;
	if (isDir && rules.skipFolders.includes(name)) return true;
	for (const { dir, matcher } of chain) {
		const relative = dir ? path.slice(dir.length + 1) : path;
		if (matcher.ignores(isDir ? `${relative}/` : relative)) return true;
	}
	return false;
}
