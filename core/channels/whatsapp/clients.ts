import type { WhatsAppSettings } from '../../config';
import { createWhatsAppClient, type WhatsAppClient, type WhatsAppClientOptions } from './client';

/**
 * The installation's WhatsApp clients, one per business number, made on first use from its
 * settings (the gateway's answers and media fetches, the server's media sweep). The system-user
 * token serves every number of the business account; without a token there is no client, and the
 * caller leaves its work for later. An empty number is the installation's own (a row stored
 * before the number was recorded).
 */
export interface WhatsAppClients {
	get(phoneNumberId: string): WhatsAppClient | null;
	close(): void;
}

export function whatsappClients(w: WhatsAppSettings, options: WhatsAppClientOptions = { timeoutMs: 10_000 }): WhatsAppClients {
	const clients = new Map<string, WhatsAppClient>();
	return {
		get(phoneNumberId) {
			const id = phoneNumberId || w.phoneNumberId;
			if (!w.accessToken || !id) return null;
			let c = clients.get(id);
			if (!c) {
				c = createWhatsAppClient(
					{ accessToken: w.accessToken, phoneNumberId: id, baseUrl: w.baseUrl, graphVersion: w.graphVersion },
					options,
				);
				clients.set(id, c);
			}
			return c;
		},
		close() {
			for (const c of clients.values()) c.close();
			clients.clear();
		},
	};
}
