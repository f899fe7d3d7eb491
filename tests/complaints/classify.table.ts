import type { ComplaintCategory } from '../../core/complaints/categories';

/**
 * Realistic messages (Hindi in Devanagari, Hinglish, English) with the category an officer would
 * give them, whether money was lost and, when stated, the amount. Every keyword change is
 * checked against the whole table.
 */
export const TABLE: [string, ComplaintCategory, boolean, number | null][] = [
	// Online financial fraud: money lost
	['mere account se 20000 kat gaye OTP diya tha', 'online_financial_fraud', true, 20000],
	['Sir mere khate se 20,000 rupaye nikal gaye, kisi ne bank wala bankar call kiya', 'online_financial_fraud', true, 20000],
	['बैंक अधिकारी बनकर फोन आया, KYC अपडेट के नाम पर 15,000 रुपये निकल गए', 'online_financial_fraud', true, 15000],
	['लॉटरी जीतने का मैसेज आया, फीस के नाम पर ₹5k ले लिए', 'online_financial_fraud', true, 5000],
	['मेरे खाते से बीस हज़ार रुपये कट गए', 'online_financial_fraud', true, 20000],
	['UPI par galat link khola aur 4999 rupaye cut gaye', 'online_financial_fraud', true, 4999],
	['Someone posing as an army officer took Rs 12,500 by UPI for a fake bike sale', 'online_financial_fraud', true, 12500],
	['customer care number google se liya, anydesk dalwaya aur 30000 gaye', 'online_financial_fraud', true, 30000],
	['I shared my OTP with a caller from the bank and 1,20,000 was debited from my account', 'online_financial_fraud', true, 120000],
	['phonepe se QR code scan karwaya aur paise kat gaye', 'online_financial_fraud', true, null],
	['KBC lottery ke naam par 25 hazar le liye', 'online_financial_fraud', true, 25000],
	['बिजली बिल बकाया का मैसेज आया, लिंक खोलते ही खाते से पैसे कट गए', 'online_financial_fraud', true, null],
	['olx par saman bechne gaya, army wale ne QR bheja aur 8000 kat gaye', 'online_financial_fraud', true, 8000],
	['Got a call saying digital arrest by CBI, I transferred 2 lakh', 'online_financial_fraud', true, 200000],
	['loan app wale ne 3000 rupaye deduct kar liye bina loan diye', 'online_financial_fraud', true, 3000],
	['मेरे पिताजी के एटीएम कार्ड की जानकारी लेकर पचास हज़ार निकाल लिए', 'online_financial_fraud', true, 50000],
	['credit card band hone ka call aaya, OTP bataya, 9,999 ka transaction ho gaya aur paise gaye', 'online_financial_fraud', true, 9999],
	['part time job task ke naam par 15000 dub gaye', 'online_financial_fraud', true, 15000],
	['video call pe nanga video record karke blackmail kiya aur 10000 le liye', 'online_financial_fraud', true, 10000],
	['ओटीपी बताने के बाद मेरे खाते से ₹ 7,500 कट गये', 'online_financial_fraud', true, 7500],
	['Someone called as SBI manager, asked KYC update, money debited Rs.45000', 'online_financial_fraud', true, 45000],
	['cashback ka link aaya google pay pe, 2500 cut ho gaya', 'online_financial_fraud', true, 2500],
	['courier customs ke naam par 18,000 transfer karwa liye', 'online_financial_fraud', true, 18000],
	['डेढ़ लाख रुपये निवेश के नाम पर ठग लिए', 'online_financial_fraud', true, 150000],
	// Online financial fraud: no loss yet
	['bank se call aaya KYC update karne bol rahe the, OTP maang rahe hain', 'online_financial_fraud', false, null],
	['मुझे लॉटरी जीतने का मैसेज आया है, क्या यह सही है', 'online_financial_fraud', false, null],
	['Received an SMS saying my electricity bill is unpaid, with a link', 'online_financial_fraud', false, null],
	['UPI collect request aaya anjaan number se', 'online_financial_fraud', false, null],
	['kisi ne anydesk download karne bola customer care bankar', 'online_financial_fraud', false, null],
	// Social media
	['meri fake id bana kar facebook par logon se paise maang rahe hain', 'social_media', false, null],
	['इंस्टाग्राम पर मेरी फोटो गलत तरीके से डाली गई है', 'social_media', false, null],
	['Someone is threatening me on WhatsApp and posting abusive comments', 'social_media', false, null],
	['facebook pe koi gali de raha hai aur dhamki de raha hai', 'social_media', false, null],
	['मेरे नाम से फर्जी आईडी बनाई गई है फेसबुक पर', 'social_media', false, null],
	['A fake profile with my photos is on Instagram', 'social_media', false, null],
	['youtube par mere bare me galat video viral kar diya', 'social_media', false, null],
	['whatsapp group me meri badnam karne wali post dali', 'social_media', false, null],
	['Unknown person made a video call and is now threatening to make it viral', 'social_media', false, null],
	// Women / child related
	['koi ladki ki photo morph karke blackmail kar raha hai', 'women_child', false, null],
	['मेरी बेटी को कोई ऑनलाइन परेशान कर रहा है', 'women_child', false, null],
	['Someone is stalking my daughter on Instagram and sending obscene messages', 'women_child', false, null],
	['school ke bacche ki ashleel video bhej raha hai koi', 'women_child', false, null],
	['महिला को व्हाट्सएप पर अश्लील संदेश भेजे जा रहे हैं', 'women_child', false, null],
	['my minor son is being groomed by an online stranger', 'women_child', false, null],
	['ek nabalig ladki ki photo viral kar di', 'women_child', false, null],
	['छेड़छाड़ के वीडियो सोशल मीडिया पर डाले गए हैं', 'women_child', false, null],
	// Hacking
	['mera whatsapp hack ho gaya hai, dusre log chala rahe hain', 'hacking', false, null],
	['My email account was hacked and the password changed', 'hacking', false, null],
	['मेरा फेसबुक अकाउंट हैक हो गया है', 'hacking', false, null],
	['gmail ka password kisi ne badal diya, login nahi ho raha', 'hacking', false, null],
	['Our shop website got hacked and shows virus warning', 'hacking', false, null],
	['instagram account hack karke mere doston se baat kar raha hai', 'hacking', false, null],
	// Mobile
	['mera mobile chori ho gaya, IMEI block karna hai', 'mobile', false, null],
	['मेरा फोन गुम हो गया है और सिम बंद करवानी है', 'mobile', false, null],
	['My SIM stopped working suddenly, I think SIM swap happened', 'mobile', false, null],
	['bazaar me phone chori ho gaya, CEIR par kaise block kare', 'mobile', false, null],
	['mobile kho gaya hai sim band karwana hai', 'mobile', false, null],
	['I lost my phone on the bus yesterday', 'mobile', false, null],
	// Cryptocurrency
	['bitcoin trading app me double karne ke naam par 50000 dub gaye', 'cryptocurrency', true, 50000],
	['USDT investment group on Telegram took my money', 'cryptocurrency', true, null],
	['क्रिप्टो में पैसा दोगुना करने का लालच दिया', 'cryptocurrency', false, null],
	['binance wallet me paisa fas gaya, crypto wapas nahi aa raha', 'cryptocurrency', false, null],
	// Other
	['naukri ke naam par registration fees maang rahe hain, kya ye sahi hai', 'online_financial_fraud', false, null],
	['साइबर सेल का नंबर चाहिए, शिकायत कहाँ करें', 'other', false, null],
	['Sir please help', 'other', false, null],
	['नमस्ते, आपका संदेश मिला धन्यवाद', 'other', false, null],
];
