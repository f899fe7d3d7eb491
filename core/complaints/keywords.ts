import type { ComplaintCategory } from './categories';

/**
 * The keyword table of the classifier: what citizens of Kabirdham actually write, in Hindi
 * (Devanagari), Hinglish (Hindi in Latin letters) and English. Weight 3 = decisive on its own,
 * 2 = strong, 1 = a hint. Latin keywords match whole words; a trailing `*` matches any ending
 * ("hack*" → hacked, hacking). Devanagari keywords match anywhere (Hindi glues postpositions
 * and spells the same word several ways); nukta and chandrabindu are folded before matching.
 * Add a keyword with a test line in tests/complaints/classify.table.ts.
 */
export type KeywordTable = Readonly<Record<Exclude<ComplaintCategory, 'other'>, readonly (readonly [string, number])[]>>;

export const KEYWORDS: KeywordTable = {
  online_financial_fraud: [
    // English / Hinglish
    ['otp', 3], ['upi', 3], ['kyc', 3], ['upi pin', 3], ['pin', 1], ['bank', 2], ['bank se', 2], ['bank manager', 3], ['bank officer', 3],
    ['credit card', 2], ['debit card', 2], ['atm', 2], ['card', 1], ['customer care', 2], ['anydesk', 3], ['teamviewer', 3],
    ['screen share', 3], ['quicksupport', 3], ['lottery', 3], ['lotary', 3], ['kbc', 3], ['prize', 2], ['inaam', 2], ['inam', 2],
    ['refund', 2], ['cashback', 2], ['paytm', 2], ['phonepe', 2], ['phone pe', 2], ['google pay', 2], ['gpay', 2], ['bhim', 2],
    ['qr code', 3], ['qr', 2], ['scan', 1], ['loan', 2], ['loan app', 3], ['electricity bill', 3], ['bijli bill', 3], ['courier', 2],
    ['customs', 2], ['digital arrest', 3], ['cbi', 2], ['army officer', 2], ['army wala', 2], ['fauji', 2], ['olx', 3],
    ['fraud', 2], ['froud', 2], ['thagi', 3], ['thag', 2], ['thaga', 3], ['dhokha', 2], ['dhokhadhadi', 3], ['scam', 2], ['scammer', 2],
    ['paise', 1], ['paisa', 1], ['rupaye', 1], ['rupees', 1], ['money', 1], ['account', 1], ['khata', 1], ['khate', 1],
    ['transaction', 2], ['debit*', 2], ['deduct*', 2], ['transfer*', 1], ['payment', 1], ['part time job', 2], ['task', 1],
    ['investment', 2], ['invest', 2], ['video call', 1], ['sextortion', 1], ['job', 1], ['naukri', 1], ['registration fee*', 2],
    ['gift', 1], ['link', 1], ['apk', 2], ['rs', 1], ['inr', 1], ['₹', 1],
    // Devanagari
    ['ओटीपी', 3], ['यूपीआई', 3], ['केवाईसी', 3], ['बैंक', 2], ['लॉटरी', 3], ['लाटरी', 3], ['इनाम', 2], ['ठगी', 3], ['ठग', 2],
    ['धोखाधड़ी', 3], ['धोखा', 2], ['फ्रॉड', 2], ['फ्राड', 2], ['खाते', 1], ['खाता', 1], ['पैसे', 1], ['पैसा', 1], ['रुपये', 1], ['रुपए', 1],
    ['एटीएम', 2], ['कार्ड', 1], ['लोन', 2], ['रिफंड', 2], ['कस्टमर केयर', 2], ['डिजिटल अरेस्ट', 3], ['बिजली बिल', 3], ['कूरियर', 2],
    ['पिन', 1], ['लिंक', 1], ['ट्रांसफर', 1], ['कैशबैक', 2], ['नौकरी', 1], ['निवेश', 2], ['वीडियो कॉल', 1],
  ],
  social_media: [
    ['facebook', 3], ['fb', 2], ['instagram', 3], ['insta', 2], ['youtube', 2], ['twitter', 2], ['snapchat', 2], ['telegram', 1],
    ['whatsapp group', 2], ['fake id', 3], ['fake account', 3], ['fake profile', 3], ['farzi id', 3], ['nakli id', 3], ['farji id', 3],
    ['troll*', 2], ['abus*', 2], ['gali', 2], ['gaali', 2], ['threat*', 2], ['dhamki', 2], ['dhamka', 2], ['viral', 2],
    ['blackmail*', 2], ['sextortion', 3], ['nude', 2], ['video call', 2], ['morph*', 2], ['photo', 1], ['pic', 1], ['post', 1],
    ['comment*', 1], ['defam*', 2], ['badnam', 2], ['profile', 1], ['id bana', 2], ['harass*', 1],
    ['फेसबुक', 3], ['इंस्टाग्राम', 3], ['यूट्यूब', 2], ['फेक आईडी', 3], ['फर्जी आईडी', 3], ['नकली आईडी', 3], ['फर्जी अकाउंट', 3],
    ['धमकी', 2], ['गाली', 2], ['वायरल', 2], ['ब्लैकमेल', 2], ['वीडियो कॉल', 2], ['फोटो', 1], ['पोस्ट', 1], ['बदनाम', 2], ['प्रोफाइल', 1],
  ],
  women_child: [
    ['women', 2], ['woman', 2], ['girl', 2], ['ladki', 2], ['ladkiyon', 2], ['beti', 2], ['daughter', 2], ['wife', 1], ['biwi', 1],
    ['sister', 1], ['behen', 1], ['mahila', 3], ['child', 3], ['children', 3], ['minor', 3], ['nabalig', 3], ['bachcha', 3], ['bachche', 3],
    ['bacche', 3], ['baccha', 3], ['bachi', 3], ['bacchi', 3], ['student', 1], ['school', 1], ['stalk*', 3], ['chhed*', 3], ['chhedchhad', 3],
    ['harass*', 2], ['obscene', 3], ['ashleel', 3], ['porn*', 3], ['csam', 3], ['rape', 3], ['sexual*', 3], ['molest*', 3],
    ['pocso', 3], ['grooming', 3], ['morph*', 2], ['nude', 2], ['blackmail*', 1], ['pareshan', 1],
    ['महिला', 3], ['लड़की', 2], ['लड़कियों', 2], ['बेटी', 2], ['पत्नी', 1], ['बहन', 1], ['बच्चा', 3], ['बच्चे', 3], ['बच्ची', 3], ['बच्चों', 3],
    ['नाबालिग', 3], ['छेड़छाड़', 3], ['अश्लील', 3], ['बलात्कार', 3], ['यौन', 3], ['पीछा', 2], ['परेशान', 1], ['स्कूल', 1],
  ],
  hacking: [
    ['hack*', 4], ['hecked', 3], ['heck', 2], ['password', 2], ['login', 1], ['email', 1], ['gmail', 1], ['virus', 2], ['malware', 2],
    ['ransomware', 3], ['website', 1], ['hijack*', 3], ['unauthori*', 2], ['account band', 1], ['account lock*', 2],
    ['dusre log chala', 2], ['koi aur chala', 2], ['takeover', 2], ['otp ke bina', 2], ['data leak', 3], ['data chori', 3],
    ['हैक', 4], ['पासवर्ड', 2], ['वायरस', 2], ['ईमेल', 1], ['वेबसाइट', 1], ['डेटा चोरी', 3],
  ],
  mobile: [
    ['mobile chori', 3], ['phone chori', 3], ['mobile chor', 3], ['chori', 1], ['churaya', 2], ['gum ho', 2], ['gum gaya', 2], ['kho gaya', 2],
    ['kho gya', 2], ['lost my phone', 3], ['phone lost', 3], ['lost phone', 3], ['stolen', 2], ['phone stolen', 3], ['mobile stolen', 3],
    ['imei', 3], ['ceir', 3], ['sim', 2], ['sim swap', 3], ['sim band', 2], ['sim clone', 3], ['sim card', 2], ['esim', 2],
    ['mobile', 1], ['phone', 1], ['handset', 2], ['spam call*', 1], ['missed call', 1],
    ['मोबाइल चोरी', 3], ['फोन चोरी', 3], ['चोरी', 1], ['गुम', 2], ['खो गया', 2], ['सिम', 2], ['आईएमईआई', 3], ['मोबाइल', 1], ['फोन', 1],
  ],
  cryptocurrency: [
    ['crypto*', 3], ['bitcoin', 3], ['btc', 2], ['usdt', 3], ['binance', 3], ['ethereum', 3], ['eth', 1], ['coin', 1], ['token', 1],
    ['mining', 2], ['wallet', 1], ['double karne', 2], ['paisa double', 2], ['trading app', 2], ['trading', 1], ['forex', 2],
    ['क्रिप्टो', 3], ['बिटकॉइन', 3], ['बिटकोइन', 3], ['कॉइन', 1], ['ट्रेडिंग', 1], ['दोगुना', 2], ['डबल', 1],
  ],
};
