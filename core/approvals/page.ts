import { esc } from '../html';
import { DECISION_LABELS, formatDeadline } from './labels';
import type { ChannelPreview, ContentPreview } from './preview';
import { DECISIONS, type Decision, type Outcome } from './types';

/**
 * The approver's decision page, in Hindi and English, for a phone: the exact text each channel
 * will publish, the image, the content hash, then one form. Plain HTML with inline CSS and no
 * script: it must open fast on a weak connection and never load anything from elsewhere
 * (except the content's own image).
 */
const STYLE = `
body{font:16px/1.5 system-ui,-apple-system,"Noto Sans Devanagari","Segoe UI",sans-serif;margin:0;background:#f4f5f7;color:#1b1f24}
main{max-width:640px;margin:0 auto;padding:12px}
h1{font-size:1.25rem;margin:.5rem 0}
.card{background:#fff;border-radius:10px;padding:12px 14px;margin:10px 0;box-shadow:0 1px 2px rgba(0,0,0,.08)}
.muted{color:#5b6570;font-size:.9rem}
.ch{font-weight:600;text-transform:uppercase;font-size:.8rem;color:#374151;letter-spacing:.03em}
pre{white-space:pre-wrap;word-wrap:break-word;font:inherit;margin:.3rem 0;background:#f8fafc;border-left:3px solid #cbd5e1;padding:6px 8px}
img{max-width:100%;height:auto;border-radius:6px}
textarea{width:100%;box-sizing:border-box;min-height:90px;font:inherit;padding:8px;border-radius:8px;border:1px solid #cbd5e1}
button{display:block;width:100%;font-size:1.1rem;padding:14px;border:0;border-radius:10px;color:#fff;margin:10px 0;cursor:pointer}
.approved{background:#15803d}.rejected{background:#b91c1c}.changes_requested{background:#b45309}
a.alt{display:inline-block;margin:4px 10px 4px 0}
code{font-size:.85rem;word-break:break-all}
.ok{border-left:6px solid #15803d}.bad{border-left:6px solid #b91c1c}
`;

function page(titleEn: string, body: string): string {
	return `<!doctype html><html lang="hi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex,nofollow"><title>${esc(titleEn)} · Police Mitan</title><style>${STYLE}</style></head><body><main>${body}</main></body></html>`;
}

const verb = (d: Decision) => DECISION_LABELS[d].verb;

function channelBlock(c: ChannelPreview): string {
	switch (c.channel) {
		case 'whatsapp':
			return `<div class="card"><div class="ch">WhatsApp · ${c.language === 'hi' ? 'हिंदी' : 'English'}</div>
<div class="muted">टेम्पलेट / Template <code>${esc(c.template)}</code> (${esc(c.templateLanguage)})</div>
${c.params.map((p, i) => `<div class="muted">{{${i + 1}}}</div><pre>${esc(p)}</pre>`).join('')}</div>`;
		case 'x':
			return `<div class="card"><div class="ch">X</div><pre>${esc(c.text)}</pre><div class="muted">${c.weightedLength} / ${c.limit}</div></div>`;
		case 'instagram':
			return `<div class="card"><div class="ch">Instagram</div><pre>${esc(c.caption)}</pre><div class="muted">${c.length} / ${c.limit}</div></div>`;
		case 'facebook':
			return `<div class="card"><div class="ch">Facebook</div><pre>${esc(c.text)}</pre>${c.link ? `<div class="muted">Link: ${esc(c.link)}</div>` : ''}</div>`;
	}
}

export interface DecisionPageInput {
	preview: ContentPreview;
	/** The decision this signed link is for. */
	decision: Decision;
	/** Where the form posts: the same signed URL. */
	formAction: string;
	approver: string;
	level: number;
	deadlineAt: Date | null;
	/** The other decisions' links of the same set, for a change of mind before submitting. */
	otherLinks: Partial<Record<Decision, string>>;
	/** The request's district's zone, for the deadline. */
	timeZone: string;
}

export function renderDecisionPage(i: DecisionPageInput): string {
	const p = i.preview;
	const label = verb(i.decision);
	const needsComment = i.decision === 'changes_requested';
	const others = (Object.entries(i.otherLinks) as [Decision, string][])
		.filter(([d]) => d !== i.decision)
		.map(([d, href]) => `<a class="alt" href="${esc(href)}">${esc(verb(d).hi)} / ${esc(verb(d).en)}</a>`)
		.join('');
	const body = `
<h1>${esc(p.title)}</h1>
<div class="muted">${esc(p.categoryLabel.hi)} / ${esc(p.categoryLabel.en)}${p.targetDate ? ` · ${esc(p.targetDate)}` : ''} · अनुमोदक / Approver: ${esc(i.approver)}${i.level > 1 ? ` (स्तर / level ${i.level})` : ''}</div>
${i.deadlineAt ? `<div class="muted">समय-सीमा / Deadline: ${esc(formatDeadline(i.deadlineAt, i.timeZone))}</div>` : ''}
<div class="card"><div class="ch">यही प्रकाशित होगा / This is exactly what will be published</div>
${p.imageUrl ? `<img src="${esc(p.imageUrl)}" alt="चित्र / image">` : '<div class="muted">कोई चित्र नहीं / No image</div>'}
<div class="ch">हिंदी</div><pre lang="hi">${esc(p.bodyHi)}</pre><div class="ch">English</div><pre lang="en">${esc(p.bodyEn)}</pre></div>
${p.channels.map(channelBlock).join('\n')}
<div class="card muted">सामग्री हैश / Content hash: <code>${esc(p.contentHash)}</code><br>
इस पाठ में कोई भी बदलाव इस अनुमोदन को रद्द कर देगा / Any change to this text voids this approval.</div>
<form method="post" action="${esc(i.formAction)}" class="card">
<input type="hidden" name="contentHash" value="${esc(p.contentHash)}">
<label for="comment">टिप्पणी / Comment${needsComment ? ' (आवश्यक / required)' : ' (वैकल्पिक / optional)'}</label>
<textarea id="comment" name="comment" maxlength="2000"${needsComment ? ' required' : ''}></textarea>
<button type="submit" class="${i.decision}">${esc(label.hi)} / ${esc(label.en)}</button>
</form>
${others ? `<div class="card muted">या / Or: ${others}</div>` : ''}`;
	return page(`${label.en}: ${p.title}`, body);
}

export interface PageMessage {
	ok: boolean;
	titleHi: string;
	titleEn: string;
	textHi: string;
	textEn: string;
}

export function renderResultPage(m: PageMessage): string {
	return page(
		m.titleEn,
		`<div class="card ${m.ok ? 'ok' : 'bad'}"><h1>${esc(m.titleHi)}<br>${esc(m.titleEn)}</h1><p>${esc(m.textHi)}</p><p>${esc(m.textEn)}</p></div>`,
	);
}

/** An outcome's name for the result pages: a person's decision by its label, the system's by its word. */
function outcomeLabel(o: string): { hi: string; en: string } {
	return (DECISIONS as readonly string[]).includes(o) ? DECISION_LABELS[o as Decision].done : { hi: o, en: o };
}

/** The result pages the approval webhook answers with, by situation. */
export const RESULT_MESSAGES = {
	recorded: (decision: Decision, hash: string): PageMessage => ({
		ok: true,
		titleHi: 'निर्णय दर्ज हुआ',
		titleEn: 'Decision recorded',
		textHi: `आपका निर्णय "${verb(decision).hi}" सामग्री ${hash.slice(0, 12)} के लिए दर्ज कर लिया गया है।`,
		textEn: `Your decision "${verb(decision).en}" for content ${hash.slice(0, 12)} has been recorded.`,
	}),
	invalidLink: (): PageMessage => ({
		ok: false,
		titleHi: 'अमान्य लिंक',
		titleEn: 'Invalid link',
		textHi: 'यह लिंक सही नहीं है या बदला गया है।',
		textEn: 'This link is not valid or has been altered.',
	}),
	alreadyDecided: (decision: Outcome | string, by: string | null): PageMessage => ({
		ok: false,
		titleHi: 'निर्णय पहले ही हो चुका है',
		titleEn: 'Already decided',
		textHi: `इस अनुरोध पर निर्णय (${outcomeLabel(decision).hi}) पहले ही ${by ?? ''} द्वारा लिया जा चुका है। लिंक केवल एक बार काम करता है।`,
		textEn: `This request was already decided (${outcomeLabel(decision).en})${by ? ` by ${by}` : ''}. A link works only once.`,
	}),
	contentChanged: (): PageMessage => ({
		ok: false,
		titleHi: 'सामग्री बदल गई है',
		titleEn: 'The content has changed',
		textHi: 'अनुरोध भेजे जाने के बाद पाठ बदला गया है। यह अनुरोध रद्द है; नया अनुरोध भेजा जाएगा।',
		textEn: 'The text was changed after this request was sent. This request is void; a new one will follow.',
	}),
	error: (en: string): PageMessage => ({
		ok: false,
		titleHi: 'निर्णय दर्ज नहीं हुआ',
		titleEn: 'Decision not recorded',
		textHi: 'कृपया नीचे दिया कारण देखें और फिर से प्रयास करें।',
		textEn: en,
	}),
};
