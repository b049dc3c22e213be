import type { LibraryId } from './ids';

/** What changed, so each view re-queries what it shows (no polling). */
export type ChangeTopic =
	'library' | 'settings' | 'device' | 'location' | 'entry' | 'job' | 'tag' | 'meta' | 'saved-search';

export interface ChangeEvent {
	topic: ChangeTopic;
	/** The library the change is in; absent for node-wide topics (libraries list, settings). */
	library?: LibraryId;
	/** UUIDs of the changed rows, where known and few; absent means "anything of this topic". */
	ids?: string[];
}

export type ChangeListener = (event: ChangeEvent) => void;
