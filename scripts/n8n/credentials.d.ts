export interface CredentialRef {
	id: string;
	name: string;
}
export const CREDENTIALS: Record<'mitanDatabaseApi' | 'mitanWhatsAppApi' | 'mitanMetaApi' | 'mitanXApi' | 'httpHeaderAuth', CredentialRef>;
export interface ImportCredential extends CredentialRef {
	type: string;
	data: Record<string, unknown>;
}
export function sandboxCredentials(opts: { dbUrl: string; sandboxUrl: string; approvalToken?: string }): ImportCredential[];
