/**
 * The one place each external API's version and base URL are written.
 * Every client, the sandbox and the credentials read these; nothing else spells a version.
 * Graph v25.0: current in Meta's pages in 2026 (v24-v26 seen); pinned here, overridable per credential.
 */
export const GRAPH_API_VERSION = 'v25.0';
export const GRAPH_BASE_URL = 'https://graph.facebook.com';
export const X_API_BASE_URL = 'https://api.x.com';
/** Default port of the project's sandbox (stand-in for Meta and X). */
export const SANDBOX_DEFAULT_PORT = 3900;
