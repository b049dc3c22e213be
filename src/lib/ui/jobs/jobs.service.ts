import type { JobId, JobProblem } from '$lib/vdfs/api';
import { coreStore } from '../app/core.svelte';
import { toasts } from '../app/toasts.svelte';

export async function pauseJob(id: JobId): Promise<void> {
	try {
		await coreStore.api.pauseJob(id);
	} catch (e) {
		toasts.error(e, 'Pausing the job');
	}
}

export async function resumeJob(id: JobId): Promise<void> {
	try {
		await coreStore.api.resumeJob(id);
	} catch (e) {
		toasts.error(e, 'Resuming the job');
	}
}

export async function cancelJob(id: JobId): Promise<void> {
	try {
		await coreStore.api.cancelJob(id);
	} catch (e) {
		toasts.error(e, 'Cancelling the job');
	}
}

export async function jobProblems(id: JobId): Promise<JobProblem[]> {
	try {
		return await coreStore.api.jobProblems(id);
	} catch (e) {
		toasts.error(e, 'Reading the job’s problems');
		return [];
	}
}

export function describeJob(kind: string, locationName: string | null): string {
	const where = locationName ?? 'a removed location';
	if (kind === 'index') return `Indexing ${where}`;
	if (kind === 'identify') return `Content ids for ${where}`;
	if (kind === 'checksum') return 'Full checksums';
	if (kind === 'media') return `Thumbnails for ${where}`;
	if (kind === 'copy') return `Copying into ${where}`;
	if (kind === 'move') return `Moving into ${where}`;
	if (kind === 'trash') return `Moving to the trash in ${where}`;
	if (kind === 'delete') return `Deleting in ${where}`;
	if (kind === 'restore') return `Restoring in ${where}`;
	if (kind === 'empty-trash') return 'Emptying the trash';
	return kind;
}
