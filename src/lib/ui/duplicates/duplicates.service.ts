import type { EntryId, JobId } from '$lib/vdfs/api';
import { coreStore } from '../app/core.svelte';
import { toasts } from '../app/toasts.svelte';

/** Queues full hashes of a group's unhashed files; the group shows as confirmed (or splits) after. */
export async function confirmGroup(casId: string): Promise<JobId | null> {
	try {
		const job = await coreStore.api.confirmDuplicates(casId);
		if (!job) toasts.show('info', 'Every file of this group has a full checksum already.');
		return job;
	} catch (e) {
		toasts.error(e, 'Confirming the duplicates');
		return null;
	}
}

/** Queues the full checksum of one file. */
export async function checksumFile(id: EntryId): Promise<JobId | null> {
	try {
		return await coreStore.api.checksumEntry(id);
	} catch (e) {
		toasts.error(e, 'Taking the checksum');
		return null;
	}
}
