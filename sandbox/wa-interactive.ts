/**
 * Meta's checks on an interactive message (reply buttons, list), answered as Meta does: 400 /
 * 100 "Invalid parameter" with the details naming the field. Limits: body text 1,024; 1-3 reply
 * buttons, id ≤ 256, title ≤ 20, unique ids and titles; list button ≤ 20, 1-10 sections, 1-10
 * rows in all, section title ≤ 24 (required when there are several), row id ≤ 200, row title ≤ 24,
 * description ≤ 72, unique row ids.
 */
type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function text(v: unknown, field: string, max: number, required = true): string | null {
	if (v === undefined || v === null || v === '') return required ? `Param ${field} is required` : null;
	if (typeof v !== 'string') return `Param ${field} must be a string`;
	return v.length > max ? `Param ${field} must be at most ${max} characters long` : null;
}

/** The first problem, or null when Meta would accept it. */
export function interactiveProblem(i: Obj): string | null {
	const type = i['type'];
	if (type !== 'button' && type !== 'list')
		return "Param interactive['type'] must be one of {BUTTON, LIST, PRODUCT, PRODUCT_LIST, CTA_URL, FLOW}";
	const body = i['body'];
	if (!isObj(body)) return "Param interactive['body'] is required";
	const bt = text(body['text'], "interactive['body']['text']", 1024);
	if (bt) return bt;
	const action = i['action'];
	if (!isObj(action)) return "Param interactive['action'] is required";
	if (type === 'button') {
		const buttons = action['buttons'];
		if (!Array.isArray(buttons) || buttons.length < 1 || buttons.length > 3)
			return "Param interactive['action']['buttons'] must have between 1 and 3 elements";
		const ids = new Set<string>();
		const titles = new Set<string>();
		for (let k = 0; k < buttons.length; k++) {
			const b = buttons[k];
			if (!isObj(b) || b['type'] !== 'reply' || !isObj(b['reply']))
				return `Param interactive['action']['buttons'][${k}]['type'] must be 'reply'`;
			const f = `interactive['action']['buttons'][${k}]['reply']`;
			const e = text(b['reply']['id'], `${f}['id']`, 256) ?? text(b['reply']['title'], `${f}['title']`, 20);
			if (e) return e;
			ids.add(String(b['reply']['id']));
			titles.add(String(b['reply']['title']));
		}
		if (ids.size !== buttons.length) return 'Button IDs must be unique';
		if (titles.size !== buttons.length) return 'Button titles must be unique';
		return null;
	}
	const lb = text(action['button'], "interactive['action']['button']", 20);
	if (lb) return lb;
	const sections = action['sections'];
	if (!Array.isArray(sections) || sections.length < 1 || sections.length > 10)
		return "Param interactive['action']['sections'] must have between 1 and 10 elements";
	const ids = new Set<string>();
	let rows = 0;
	for (let k = 0; k < sections.length; k++) {
		const sct = sections[k];
		const f = `interactive['action']['sections'][${k}]`;
		if (!isObj(sct)) return `Param ${f} must be an object`;
		const st = text(sct['title'], `${f}['title']`, 24, sections.length > 1);
		if (st) return st;
		const list = sct['rows'];
		if (!Array.isArray(list) || list.length < 1) return `Param ${f}['rows'] is required`;
		for (let j = 0; j < list.length; j++) {
			const row = list[j];
			const rf = `${f}['rows'][${j}]`;
			if (!isObj(row)) return `Param ${rf} must be an object`;
			const e =
				text(row['id'], `${rf}['id']`, 200) ??
				text(row['title'], `${rf}['title']`, 24) ??
				text(row['description'], `${rf}['description']`, 72, false);
			if (e) return e;
			if (ids.has(String(row['id']))) return 'Row IDs must be unique';
			ids.add(String(row['id']));
			rows++;
		}
	}
	return rows > 10 ? 'Total row count exceed max allowed count: 10' : null;
}
