import type { Interactive } from '../channels/whatsapp/interactive';
import { HELPLINE, PORTAL } from '../complaints/reply';

/**
 * Everything the conversation says to a citizen, in Hindi and English (the citizen's language, or
 * the one their words are in). Payload ids are the routing keys (classify.ts isOurReplyId): a
 * tapped row is routed by its id, never by its title, so a title can be reworded freely.
 */
export type Lang = 'hi' | 'en';
export type Outgoing = { kind: 'text'; text: string } | Interactive;

/**
 * The notice a citizen agrees to when joining over WhatsApp. Its version is recorded with the
 * consent (subscribers.consent_evidence); a new wording gets a new version, never an edit.
 */
export const JOIN_NOTICE_VERSION = 'wa-join-2026-12-v1';
export const JOIN_NOTICE: Record<Lang, string> = {
	hi:
		'पुलिस मितान: जिला पुलिस से साइबर ठगी से बचाव के दैनिक संदेश WhatsApp पर। हम आपका नंबर, नाम, भाषा और थाना रखेंगे, केवल इन संदेशों और आपकी शिकायतों के लिए; ' +
		'किसी और को नहीं देंगे। कभी भी STOP भेजकर बंद करें; "मेरा डेटा" भेजकर देखें कि क्या रखा है; "मेरा डेटा हटाएँ" भेजकर सब हटवाएँ। क्या आप जुड़ना चाहते हैं?',
	en:
		'Police Mitan: daily cyber-fraud safety messages from the district police on WhatsApp. We keep your number, name, language and police station, only for these messages ' +
		'and your complaints, and share them with no one. Send STOP at any time to stop; "MY DATA" to see what is held; "DELETE MY DATA" to have it erased. Do you want to join?',
};

const text = (t: string): Outgoing => ({ kind: 'text', text: t });

export function menu(lang: Lang, onRoster: boolean): Outgoing {
	const hi = lang === 'hi';
	const rows = [
		{
			id: 'menu.fraud',
			title: hi ? 'ठगी की शिकायत' : 'Report fraud',
			description: hi ? 'पैसे कटे, फ़र्ज़ी कॉल, लिंक' : 'Money lost, fake call, link',
		},
		{ id: 'menu.other', title: hi ? 'अन्य समस्या' : 'Other problem' },
		{ id: 'menu.status', title: hi ? 'मेरी शिकायत की स्थिति' : 'Status of my complaint' },
		{ id: 'menu.language', title: hi ? 'भाषा बदलें / Language' : 'Change language / भाषा' },
		onRoster
			? { id: 'menu.stop', title: hi ? 'संदेश बंद करें' : 'Stop messages' }
			: { id: 'menu.join', title: hi ? 'पुलिस मितान से जुड़ें' : 'Join Police Mitan' },
		{ id: 'menu.my_data', title: hi ? 'मेरा डेटा' : 'My data' },
	];
	return {
		kind: 'list',
		body: hi
			? 'पुलिस मितान में आपका स्वागत है। नीचे से चुनें, या अपनी समस्या सीधे लिखें, वॉइस नोट या स्क्रीनशॉट भेजें।'
			: 'Welcome to Police Mitan. Choose below, or simply write your problem, send a voice note or a screenshot.',
		button: hi ? 'विकल्प चुनें' : 'Choose',
		sections: [{ rows }],
	};
}

export function describeProblem(lang: Lang, fraud: boolean): Outgoing {
	if (lang === 'en')
		return text(
			(fraud ? `Money lost? CALL ${HELPLINE} NOW; the sooner, the better the chance to freeze it.\n` : '') +
				'Write what happened in one message (or send a voice note or screenshot): when, how much, which number or link. You will get a reference number.',
		);
	return text(
		(fraud ? `पैसे कटे हैं? तुरंत ${HELPLINE} पर कॉल करें; जितनी जल्दी, पैसा रुकवाने की संभावना उतनी अधिक।\n` : '') +
			'क्या हुआ, एक संदेश में लिखें (या वॉइस नोट / स्क्रीनशॉट भेजें): कब, कितने पैसे, कौन सा नंबर या लिंक। आपको संदर्भ संख्या मिलेगी।',
	);
}

export function complaintStatus(lang: Lang, list: { ref: string; status: string; at: Date }[]): Outgoing {
	const names: Record<string, [string, string]> = {
		new: ['दर्ज', 'registered'],
		acknowledged: ['प्राप्त', 'acknowledged'],
		forwarded: [`आगे भेजी गई (${PORTAL})`, `forwarded (${PORTAL})`],
		closed: ['बंद', 'closed'],
	};
	if (list.length === 0)
		return text(
			lang === 'en'
				? 'We have no complaint from this number. Write your problem to register one.'
				: 'इस नंबर से कोई शिकायत नहीं है। शिकायत दर्ज करने के लिए अपनी समस्या लिखें।',
		);
	const lines = list.map(
		(c) => `${c.ref}: ${(names[c.status] ?? [c.status, c.status])[lang === 'en' ? 1 : 0]} (${c.at.toISOString().slice(0, 10)})`,
	);
	return text((lang === 'en' ? 'Your complaints:\n' : 'आपकी शिकायतें:\n') + lines.join('\n'));
}

export function chooseLanguage(): Outgoing {
	return {
		kind: 'buttons',
		body: 'भाषा चुनें / Choose your language',
		buttons: [
			{ id: 'lang.hi', title: 'हिन्दी' },
			{ id: 'lang.en', title: 'English' },
		],
	};
}

export function languageSet(lang: Lang): Outgoing {
	return text(lang === 'en' ? 'Done: we will write to you in English.' : 'ठीक है: हम आपको हिन्दी में लिखेंगे।');
}

export function joinConfirm(lang: Lang): Outgoing {
	return {
		kind: 'buttons',
		body: JOIN_NOTICE[lang],
		buttons:
			lang === 'en'
				? [
						{ id: 'join.yes', title: 'Yes, join' },
						{ id: 'join.no', title: 'No' },
					]
				: [
						{ id: 'join.yes', title: 'हाँ, जुड़ें' },
						{ id: 'join.no', title: 'नहीं' },
					],
	};
}

export function alreadyJoined(lang: Lang): Outgoing {
	return text(
		lang === 'en'
			? 'You are already on Police Mitan. Send STOP to stop the messages.'
			: 'आप पहले से पुलिस मितान से जुड़े हैं। संदेश बंद करने के लिए STOP भेजें।',
	);
}

export function joinNotPossible(lang: Lang): Outgoing {
	return text(
		lang === 'en'
			? 'Police Mitan daily messages are for Indian mobile numbers only. You can still write your complaint here.'
			: 'पुलिस मितान के दैनिक संदेश केवल भारतीय मोबाइल नंबरों के लिए हैं। आप यहाँ अपनी शिकायत फिर भी लिख सकते हैं।',
	);
}

export function joinDeclined(lang: Lang): Outgoing {
	return text(lang === 'en' ? 'Fine, you have not been added. Send JOIN any time.' : 'ठीक है, आपको नहीं जोड़ा गया। कभी भी "जुड़ें" भेजें।');
}

/** After "yes": which police station (the stations the district's roster has, most citizens first). */
export function stationList(lang: Lang, stations: string[]): Outgoing {
	const rows = stations.slice(0, 9).map((s) => ({ id: `station:${s}`.slice(0, 200), title: s.slice(0, 24) }));
	rows.push({ id: 'station:', title: lang === 'en' ? 'Not sure / other' : 'पता नहीं / अन्य' });
	return {
		kind: 'list',
		body:
			lang === 'en'
				? 'You have joined Police Mitan. Which police station is yours? (Send STOP at any time to stop.)'
				: 'आप पुलिस मितान से जुड़ गए हैं। आपका थाना कौन सा है? (कभी भी STOP भेजकर बंद करें।)',
		button: lang === 'en' ? 'Police station' : 'थाना चुनें',
		sections: [{ rows }],
	};
}

export function stationSet(lang: Lang, station: string | null): Outgoing {
	if (lang === 'en')
		return text(station ? `Thank you. Police station: ${station}.` : 'Thank you. You can tell us your police station later.');
	return text(station ? `धन्यवाद। थाना: ${station}।` : 'धन्यवाद। थाना आप बाद में बता सकते हैं।');
}

export function deleteConfirm(lang: Lang): Outgoing {
	return {
		kind: 'buttons',
		body:
			lang === 'en'
				? 'Erase everything Police Mitan holds about you (number, name, messages, the text of your complaints)? The daily messages stop. Only anonymous counts remain. This cannot be undone.'
				: 'पुलिस मितान के पास आपके बारे में जो कुछ है (नंबर, नाम, संदेश, शिकायतों का विवरण), सब हटा दें? दैनिक संदेश बंद हो जाएँगे। केवल बिना नाम की गिनती रहेगी। यह वापस नहीं होगा।',
		buttons:
			lang === 'en'
				? [
						{ id: 'delete.yes', title: 'Yes, erase' },
						{ id: 'delete.no', title: 'No, keep' },
					]
				: [
						{ id: 'delete.yes', title: 'हाँ, हटाएँ' },
						{ id: 'delete.no', title: 'नहीं, रहने दें' },
					],
	};
}

export function erased(lang: Lang): Outgoing {
	return text(
		lang === 'en'
			? 'Your data has been erased. Police Mitan will not message you again.'
			: 'आपका डेटा हटा दिया गया है। पुलिस मितान आपको आगे संदेश नहीं भेजेगा।',
	);
}

export function deleteKept(lang: Lang): Outgoing {
	return text(lang === 'en' ? 'Nothing was erased.' : 'कुछ नहीं हटाया गया।');
}

/** A button tapped after its question expired or was already answered. */
export function questionExpired(lang: Lang): Outgoing {
	return text(lang === 'en' ? 'That question has expired. Send "hi" for the menu.' : 'वह प्रश्न पुराना हो गया है। मेनू के लिए "नमस्ते" भेजें।');
}
