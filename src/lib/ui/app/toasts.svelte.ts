import { toVdfsError } from '$lib/vdfs/api';

export interface Toast {
	id: number;
	kind: 'info' | 'error';
	message: string;
	action?: { label: string; run: () => void };
}

/** Messages for the user: every failed action lands here with the core's specific message. */
class ToastStore {
	items = $state<Toast[]>([]);
	#next = 1;

	show(kind: Toast['kind'], message: string, action?: Toast['action']): void {
		const id = this.#next++;
		this.items.push({ id, kind, message, action });
		setTimeout(() => this.dismiss(id), kind === 'error' ? 10_000 : 4_000);
	}

	error(e: unknown, doing: string): void {
		const err = toVdfsError(e);
		this.show('error', `${doing} failed: ${err.message}`);
	}

	dismiss(id: number): void {
		this.items = this.items.filter((t) => t.id !== id);
	}
}

export const toasts = new ToastStore();
