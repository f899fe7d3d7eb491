import { CATEGORY_INFO, type ComplaintCategory } from './categories';

/**
 * What the citizen reads back, in their language. Money lost → "call 1930 now" comes first:
 * the national cyber-fraud helpline can still freeze the money within the first hours, and
 * cybercrime.gov.in takes the formal complaint. Women / child reports get 112 and, for children,
 * 1098, and a promise of a call from a designated officer (nothing of the report is repeated).
 */
export const HELPLINE = '1930';
export const PORTAL = 'cybercrime.gov.in';

export interface ReplyInput {
	ref: string;
	category: ComplaintCategory;
	moneyLoss: boolean;
	language: 'hi' | 'en';
	policeStation?: string | null;
	districtName?: string;
	districtNameHi?: string;
}

export function complaintReply(r: ReplyInput): string {
	const cat = CATEGORY_INFO[r.category];
	if (r.language === 'en') {
		const lines = [`Your complaint is registered. Reference number: ${r.ref}`];
		if (r.moneyLoss) {
			lines.unshift(
				`Money lost? CALL ${HELPLINE} NOW: the sooner you call, the better the chance your money can be frozen. Also file the complaint at https://${PORTAL}`,
			);
		}
		lines.push(`Category: ${cat.labelEn}`);
		if (r.category === 'women_child')
			lines.push('A designated officer will call you. In an emergency call 112; for a child in danger, 1098.');
		else if (!r.moneyLoss) lines.push(`You can also report it at https://${PORTAL} or call ${HELPLINE}.`);
		if (r.policeStation) lines.push(`Police station: ${r.policeStation}`);
		lines.push(`Quote ${r.ref} in any reply. — ${r.districtName ?? 'District'} Police`);
		return lines.join('\n');
	}
	const lines = [`आपकी शिकायत दर्ज हो गई है। संदर्भ संख्या: ${r.ref}`];
	if (r.moneyLoss) {
		lines.unshift(
			`पैसे कटे हैं? तुरंत ${HELPLINE} पर कॉल करें: जितनी जल्दी कॉल करेंगे, पैसा रुकवाने की संभावना उतनी अधिक। साथ ही https://${PORTAL} पर शिकायत दर्ज करें।`,
		);
	}
	lines.push(`श्रेणी: ${cat.labelHi}`);
	if (r.category === 'women_child') lines.push('नामित अधिकारी आपसे संपर्क करेंगे। आपात स्थिति में 112 पर, बच्चे के लिए 1098 पर कॉल करें।');
	else if (!r.moneyLoss) lines.push(`आप https://${PORTAL} पर भी शिकायत कर सकते हैं या ${HELPLINE} पर कॉल कर सकते हैं।`);
	if (r.policeStation) lines.push(`थाना: ${r.policeStation}`);
	lines.push(`आगे के संदेश में ${r.ref} लिखें। — ${r.districtNameHi ?? 'जिला'} पुलिस`);
	return lines.join('\n');
}

/** A later message from the same citizen, attached to their open complaint. */
export function followUpReply(r: { ref: string; language: 'hi' | 'en'; moneyLoss: boolean }): string {
	if (r.language === 'en') {
		return `Your message is added to complaint ${r.ref}.` + (r.moneyLoss ? ` Money lost? Call ${HELPLINE} now.` : '');
	}
	return `आपका संदेश शिकायत ${r.ref} में जोड़ दिया गया है।` + (r.moneyLoss ? ` पैसे कटे हैं? तुरंत ${HELPLINE} पर कॉल करें।` : '');
}
