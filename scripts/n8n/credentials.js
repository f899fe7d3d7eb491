'use strict';
const crypto = require('crypto');
/**
 * The credentials the exported workflows refer to (by these names and ids), filled for the
 * sandbox: `npm start`, the demo and the real-n8n tests import them with `n8n import:credentials`.
 * Going live means editing these four credentials in n8n (docs/operator-guide.md); the workflows
 * do not change. Values mirror the sandbox defaults (sandbox/README.md "Default accounts").
 */
const CREDENTIALS = {
	mitanDatabaseApi: { id: 'MitanDatabase001', name: 'Mitan Database' },
	mitanWhatsAppApi: { id: 'MitanWhatsApp001', name: 'Mitan WhatsApp' },
	mitanMetaApi: { id: 'MitanMeta0000001', name: 'Mitan Meta (Facebook + Instagram)' },
	mitanXApi: { id: 'MitanX0000000001', name: 'Mitan X' },
	// The content-approval workflow's "Draft submitted" webhook checks this header (n8n Header Auth).
	httpHeaderAuth: { id: 'MitanApprovalHk1', name: 'Mitan approval webhook' },
};

/**
 * Credential objects for `n8n import:credentials` (data is encrypted by n8n on import).
 * approvalToken: the bearer secret the dashboard sends (MITAN_APPROVAL_WEBHOOK_TOKEN); without
 * one the webhook gets a random secret nobody holds, so it stays closed until an operator sets it.
 */
function sandboxCredentials({ dbUrl, sandboxUrl, approvalToken }) {
	const base = sandboxUrl.replace(/\/$/, '');
	return [
		{ ...CREDENTIALS.mitanDatabaseApi, type: 'mitanDatabaseApi', data: { connectBy: 'url', url: dbUrl } },
		{
			...CREDENTIALS.mitanWhatsAppApi,
			type: 'mitanWhatsAppApi',
			data: {
				accessToken: 'sandbox-token',
				phoneNumberId: '100000000000001',
				wabaId: '200000000000001',
				appId: '600000000000001',
				appSecret: 'sandbox-app-secret',
				baseUrl: base,
			},
		},
		{
			...CREDENTIALS.mitanMetaApi,
			type: 'mitanMetaApi',
			data: { pageId: '300000000000001', pageToken: 'sandbox-page-token', igUserId: '400000000000001', baseUrl: base },
		},
		{
			...CREDENTIALS.mitanXApi,
			type: 'mitanXApi',
			data: {
				authType: 'oauth1',
				consumerKey: 'sandbox-consumer-key',
				consumerSecret: 'sandbox-consumer-secret',
				accessToken: 'sandbox-access-token',
				accessTokenSecret: 'sandbox-access-secret',
				baseUrl: base,
			},
		},
		{
			...CREDENTIALS.httpHeaderAuth,
			type: 'httpHeaderAuth',
			data: { name: 'Authorization', value: `Bearer ${approvalToken || crypto.randomBytes(24).toString('hex')}` },
		},
	];
}

module.exports = { CREDENTIALS, sandboxCredentials };
