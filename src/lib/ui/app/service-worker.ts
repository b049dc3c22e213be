import { dev } from '$app/environment';
import { toasts } from './toasts.svelte';

/**
 * Registers the service worker of the production build (it precaches the app shell and
 * sqlite3.wasm so the app starts offline). A new version waits until the user reloads.
 */
export async function registerServiceWorker(): Promise<void> {
	if (dev || !('serviceWorker' in navigator)) return;
	try {
		const registration = await navigator.serviceWorker.register('/service-worker.js', { type: 'classic' });
		registration.addEventListener('updatefound', () => {
			const next = registration.installing;
			next?.addEventListener('statechange', () => {
				if (next.state === 'installed' && navigator.serviceWorker.controller) {
					toasts.show('info', 'A new version of Orrery is ready.', {
						label: 'Reload',
						run: () => {
							next.postMessage({ type: 'SKIP_WAITING' });
							navigator.serviceWorker.addEventListener('controllerchange', () => location.reload(), { once: true });
						}
					});
				}
			});
		});
	} catch (e) {
		toasts.error(e, 'Setting up offline use');
	}
}
