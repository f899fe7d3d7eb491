/**
 * The staff registry page's words (issue 17), Hindi and English: spread into en.ts and hi.ts.
 * Duties are core's (core/staff STAFF_DUTIES); each has its label here.
 */
export const staffEn = {
	nav_staff: 'Staff numbers',
	staff_title: 'Staff numbers (who is alerted, who approves)',
	staff_intro:
		'The workflows alert and ask these numbers, by duty; messages from them never become complaints. A number may hold several duties.',
	staff_phone: 'WhatsApp number',
	staff_name: 'Name / post',
	staff_duty: 'Duty',
	staff_add: 'Add number',
	staff_remove: 'Remove',
	staff_added: 'Staff number saved',
	staff_removed: 'Staff number removed',
	staff_none: 'Nobody in this duty yet.',
	staff_placeholder: 'placeholder: replace before going live',
	staff_placeholders_left:
		'Placeholder numbers are still in the registry: with the real WhatsApp credential the workflows refuse to run until they are replaced.',
	duty_staff: 'Staff (no alerts)',
	duty_cyber_cell: 'Cyber cell',
	duty_duty_officer: 'Duty officer',
	duty_leadership: 'Leadership (SP, Collector, IG)',
	duty_approver: 'Additional SP (approver)',
};

export type StaffKey = keyof typeof staffEn;

export const staffHi: Record<StaffKey, string> = {
	nav_staff: 'स्टाफ़ नंबर',
	staff_title: 'स्टाफ़ नंबर (किसे सूचना, कौन स्वीकृति दे)',
	staff_intro: 'वर्कफ़्लो इन्हीं नंबरों को भूमिका के अनुसार सूचना और स्वीकृति अनुरोध भेजते हैं; इनके संदेश कभी शिकायत नहीं बनते। एक नंबर की कई भूमिकाएँ हो सकती हैं।',
	staff_phone: 'WhatsApp नंबर',
	staff_name: 'नाम / पद',
	staff_duty: 'भूमिका',
	staff_add: 'नंबर जोड़ें',
	staff_remove: 'हटाएँ',
	staff_added: 'स्टाफ़ नंबर सहेजा गया',
	staff_removed: 'स्टाफ़ नंबर हटाया गया',
	staff_none: 'इस भूमिका में अभी कोई नहीं।',
	staff_placeholder: 'प्लेसहोल्डर: लाइव होने से पहले बदलें',
	staff_placeholders_left: 'रजिस्टर में अभी प्लेसहोल्डर नंबर हैं: असली WhatsApp क्रेडेंशियल के साथ वर्कफ़्लो इन्हें बदले बिना नहीं चलेंगे।',
	duty_staff: 'स्टाफ़ (सूचना नहीं)',
	duty_cyber_cell: 'साइबर सेल',
	duty_duty_officer: 'ड्यूटी अधिकारी',
	duty_leadership: 'नेतृत्व (एसपी, कलेक्टर, आईजी)',
	duty_approver: 'अपर पुलिस अधीक्षक (स्वीकृति)',
};
