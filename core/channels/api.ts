/**
 * The one place each external API's version and base URL are written.
 * Every client, the sandbox and the credentials read these; nothing else spells a version.
 * Graph v27.0: current since 4 Nov 2026 (v21.0-v26.0 still served in Dec 2026); pinned here,
 * overridable per credential.
 */
export const GRAPH_API_VERSION = 'v27.0';
export const GRAPH_BASE_URL = 'https://graph.facebook.com';
export const X_API_BASE_URL = 'https://api.x.com';
/** Default port of the project's sandbox (stand-in for Meta and X). */
export const SANDBOX_DEFAULT_PORT = 3900;
