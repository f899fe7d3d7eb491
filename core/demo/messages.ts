import type { ComplaintCategory } from '../complaints/categories';

/**
 * Typical messages citizens send, per category, for the demo's inbound messages and
 * complaints. `share` is the category's share of all complaints (percent, sums to 100):
 * most reports are about money already lost.
 */
export interface DemoMessage {
	body: string;
	moneyLoss: boolean;
	amountInr?: number;
}

export const DEMO_CATEGORY_SHARE: Readonly<Record<ComplaintCategory, number>> = Object.freeze({
	online_financial_fraud: 45,
	social_media: 15,
	mobile: 10,
	other: 10,
	hacking: 8,
	women_child: 8,
	cryptocurrency: 4,
});

export const DEMO_MESSAGES: Readonly<Record<ComplaintCategory, readonly DemoMessage[]>> = Object.freeze({
	online_financial_fraud: [
		{ body: 'mere account se 20000 kat gaye OTP diya tha', moneyLoss: true, amountInr: 20000 },
		{ body: 'बैंक अधिकारी बनकर फोन आया, KYC अपडेट के नाम पर 15,000 रुपये निकल गए', moneyLoss: true, amountInr: 15000 },
		{ body: 'UPI par galat link khola aur 4999 rupaye cut gaye', moneyLoss: true, amountInr: 4999 },
		{ body: 'Someone posing as an army officer took Rs 12,500 by UPI for a fake bike sale', moneyLoss: true, amountInr: 12500 },
		{ body: 'लॉटरी जीतने का मैसेज आया, फीस के नाम पर ₹5k ले लिए', moneyLoss: true, amountInr: 5000 },
		{ body: 'customer care number google se liya, anydesk dalwaya aur 30000 gaye', moneyLoss: true, amountInr: 30000 },
	],
	social_media: [
		{ body: 'meri fake id bana kar facebook par logon se paise maang rahe hain', moneyLoss: false },
		{ body: 'इंस्टाग्राम पर मेरी फोटो गलत तरीके से डाली गई है', moneyLoss: false },
		{ body: 'Someone is threatening me on WhatsApp and posting abusive comments', moneyLoss: false },
	],
	mobile: [
		{ body: 'mera mobile chori ho gaya, IMEI block karna hai', moneyLoss: false },
		{ body: 'मेरा फोन गुम हो गया है और सिम बंद करवानी है', moneyLoss: false },
		{ body: 'My SIM stopped working suddenly, I think SIM swap happened', moneyLoss: false },
	],
	other: [
		{ body: 'naukri ke naam par registration fees maang rahe hain, kya ye sahi hai', moneyLoss: false },
		{ body: 'साइबर सेल का नंबर चाहिए, शिकायत कहाँ करें', moneyLoss: false },
	],
	hacking: [
		{ body: 'mera whatsapp hack ho gaya hai, dusre log chala rahe hain', moneyLoss: false },
		{ body: 'My email account was hacked and the password changed', moneyLoss: false },
	],
	women_child: [
		{ body: 'koi ladki ki photo morph karke blackmail kar raha hai', moneyLoss: false },
		{ body: 'मेरी बेटी को कोई ऑनलाइन परेशान कर रहा है', moneyLoss: false },
	],
	cryptocurrency: [{ body: 'bitcoin trading app me double karne ke naam par 50000 dub gaye', moneyLoss: true, amountInr: 50000 }],
});
