/**
 * Texts an officer reads when a campaign stops, in English and Hindi. Keyed by action class.
 */
import type { ErrorAction } from '../errors';

const TEXT: Partial<Record<ErrorAction, { en: string; hi: string }>> = {
	reauthenticate: {
		en: 'WhatsApp refused the access token (expired or revoked). Replace the token in the Mitan WhatsApp credential, then resume the broadcast; nobody was written off.',
		hi: 'WhatsApp ने एक्सेस टोकन अस्वीकार किया (समाप्त या रद्द)। Mitan WhatsApp क्रेडेंशियल में नया टोकन डालें, फिर प्रसारण फिर से शुरू करें; किसी का संदेश छोड़ा नहीं गया।',
	},
	stop_campaign: {
		en: 'WhatsApp blocked or restricted the sending number. Check the number and its quality in WhatsApp Manager, then resume; the remaining citizens are kept.',
		hi: 'WhatsApp ने भेजने वाले नंबर को रोका या सीमित किया है। WhatsApp Manager में नंबर और उसकी गुणवत्ता जाँचें, फिर प्रसारण फिर से शुरू करें; बाकी नागरिक सुरक्षित हैं।',
	},
	fix_content: {
		en: 'WhatsApp refused the message template (name, language or parameters). Fix the template or its approval, then resume; the remaining citizens are kept.',
		hi: 'WhatsApp ने संदेश टेम्पलेट अस्वीकार किया (नाम, भाषा या पैरामीटर)। टेम्पलेट या उसकी स्वीकृति ठीक करें, फिर प्रसारण फिर से शुरू करें; बाकी नागरिक सुरक्षित हैं।',
	},
	configure: {
		en: 'The WhatsApp number is not set up for sending (registration or billing). Fix it in WhatsApp Manager, then resume.',
		hi: 'WhatsApp नंबर भेजने के लिए तैयार नहीं है (पंजीकरण या बिलिंग)। WhatsApp Manager में ठीक करें, फिर प्रसारण फिर से शुरू करें।',
	},
};

export function stopReason(action: ErrorAction, code: string, detail: string): string {
	const t = TEXT[action] ?? {
		en: 'The broadcast stopped on an error; resume once it is fixed.',
		hi: 'त्रुटि के कारण प्रसारण रुका; ठीक होने पर फिर से शुरू करें।',
	};
	return `${t.en} / ${t.hi} [${code}: ${detail.slice(0, 300)}]`;
}
