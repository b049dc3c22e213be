// A single-page app: everything renders in the browser against the local core.
export const ssr = false;
export const prerender = false;
