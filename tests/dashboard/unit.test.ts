import { DICTIONARY, formatDay, formatNumber, t } from '../../dashboard/web/i18n';
import { chartCsv } from '../../dashboard/web/csv';
import { TtlCache } from '../../dashboard/web/cache';
import { parseCookies, safeNext } from '../../dashboard/web/http';
import { parseMonth, parseRange, resolveScope, weightedMedian } from '../../core/dashboard';
import { isoWeekStart, todayIn } from '../../core/time';
import { checkPasswordStrength } from '../../core/auth';
import { SPECS } from '../../dashboard/web/pages';

describe('i18n', () => {
	test('every English label has a non-empty Hindi one, and they differ where words are translated', () => {
		for (const [k, en] of Object.entries(DICTIONARY.en)) {
			expect(typeof DICTIONARY.hi[k as keyof typeof DICTIONARY.hi]).toBe('string');
			expect(DICTIONARY.hi[k as keyof typeof DICTIONARY.hi].trim()).not.toBe('');
			expect(en.trim()).not.toBe('');
		}
		const same = Object.keys(DICTIONARY.en).filter(
			(k) => DICTIONARY.en[k as keyof typeof DICTIONARY.en] === DICTIONARY.hi[k as keyof typeof DICTIONARY.hi],
		);
		expect(same).toEqual(['export_csv']);
	});
	test('every card and chart of every page has a label in both languages', () => {
		for (const spec of Object.values(SPECS)) {
			for (const key of [...spec.cards, ...spec.charts.map((c) => `chart_${c}`), spec.titleKey]) {
				expect(Object.keys(DICTIONARY.en)).toContain(key);
			}
		}
	});
	test('numbers use Indian grouping in both languages', () => {
		expect(formatNumber('en', 100000)).toBe('1,00,000');
		expect(formatNumber('hi', 13500000)).toBe('1,35,00,000');
		expect(formatNumber('en', null)).toBe('—');
	});
	test('an unknown key is shown readable, not as snake_case', () => {
		expect(t('hi', 'some_new_category')).toBe('some new category');
	});
});

describe("dashboard days (the district's calendar)", () => {
	test('"today" flips at the district\'s midnight (IST here), not UTC', () => {
		expect(todayIn('Asia/Kolkata', new Date('2026-03-31T18:29:59Z'))).toBe('2026-03-31');
		expect(todayIn('Asia/Kolkata', new Date('2026-03-31T18:30:00Z'))).toBe('2026-04-01');
	});
	test("a calendar day is shown as itself, whatever the server's zone", () => {
		expect(formatDay('en', '2026-03-01')).toMatch(/Sun, 1 Mar,? 2026/);
		expect(formatDay('en', '2026-12-31')).toMatch(/Thu, 31 Dec,? 2026/);
	});
	test('ranges: presets end today; from/to inclusive; bad input names its field', () => {
		expect(parseRange({ days: '7' }, '2026-03-10')).toEqual({ from: '2026-03-04', to: '2026-03-10', days: 7 });
		expect(parseRange({}, '2026-03-10').days).toBe(30);
		expect(parseRange({ from: '2026-02-27', to: '2026-03-02' }, '2026-03-10')).toEqual({ from: '2026-02-27', to: '2026-03-02', days: 4 });
		expect(() => parseRange({ days: '8' }, '2026-03-10')).toThrow(/days: must be 7, 30 or 90/);
		expect(() => parseRange({ from: '2026-02-29', to: '2026-03-02' }, '2026-03-10')).toThrow(/from: "2026-02-29" is not a date/);
		expect(() => parseRange({ from: '2026-03-02' }, '2026-03-10')).toThrow(/to:/);
	});
	test('months: the previous month by default; the current month stops today', () => {
		expect(parseMonth({}, '2026-03-10')).toEqual({ month: '2026-02', from: '2026-02-01', to: '2026-02-28', days: 28 });
		expect(parseMonth({ month: '2026-03' }, '2026-03-10')).toEqual({ month: '2026-03', from: '2026-03-01', to: '2026-03-10', days: 10 });
		expect(() => parseMonth({ month: '03-2026' }, '2026-03-10')).toThrow(/month:/);
	});
	test('weeks start on Monday', () => {
		expect(isoWeekStart('2026-03-08')).toBe('2026-03-02'); // a Sunday
		expect(isoWeekStart('2026-03-09')).toBe('2026-03-09');
	});
});

describe('pieces', () => {
	test('weighted median of medians', () => {
		expect(weightedMedian([])).toBeNull();
		expect(
			weightedMedian([
				{ median: 100, count: 1 },
				{ median: 900, count: 5 },
			]),
		).toBe(900);
		expect(
			weightedMedian([
				{ median: 100, count: 3 },
				{ median: 900, count: 3 },
			]),
		).toBe(100);
	});
	test('weighted median: summing the counts of equal medians first (what the complaints page SQL does) changes nothing', () => {
		const rows = [300, 120, 300, 900, 120, 300, 60, 900, 900, 900].map((median, i) => ({ median, count: (i % 3) + 1 }));
		const grouped = [...new Set(rows.map((r) => r.median))].map((median) => ({
			median,
			count: rows.filter((r) => r.median === median).reduce((s, r) => s + r.count, 0),
		}));
		expect(weightedMedian(grouped)).toBe(weightedMedian(rows));
		expect(weightedMedian(grouped)).toBe(300);
	});
	test('district scope: locked users cannot widen it, state users pick', () => {
		expect(resolveScope(3, undefined)).toEqual({ districtId: 3 });
		expect(resolveScope(3, '3')).toEqual({ districtId: 3 });
		expect(() => resolveScope(3, '4')).toThrow(/only see district 3/);
		expect(resolveScope(null, '')).toEqual({ districtId: null });
		expect(resolveScope(null, '4')).toEqual({ districtId: 4 });
		expect(() => resolveScope(null, '4 OR 1=1')).toThrow(/^district: "4 OR 1=1" is not an id/);
	});
	test('CSV: BOM, quoting, and no spreadsheet formulas from station names', () => {
		const csv = chartCsv(
			{
				id: 'x',
				kind: 'bar',
				labelKind: 'text',
				labels: ['=HYPERLINK("http://x")', 'A, B', '-5', 'Kawardha;=1+1', 'Bodla\t@SUM(1)', 'x,+1'],
				series: [{ key: 'delivered', data: [1, 2, -3, 4, 5, 6] }],
			},
			'en',
		);
		expect(csv.startsWith('\ufeff')).toBe(true);
		const lines = csv.slice(1).trim().split('\r\n');
		expect(lines[0]).toBe('label,Delivered');
		expect(lines[1]).toBe(`"'=HYPERLINK(""http://x"")",1`);
		expect(lines[2]).toBe('"A, B",2');
		expect(lines[3]).toBe('-5,-3');
		// Issue 18 finding 13: Excel with a semicolon (or tab) list separator must not find a formula.
		expect(lines[4]).toBe(`"'Kawardha;=1+1",4`);
		expect(lines[5]).toBe(`"'Bodla\t@SUM(1)",5`);
		expect(lines[6]).toBe(`"'x,+1",6`);
	});
	test('cookies, next= and passwords', () => {
		expect(parseCookies('a=1; b=x%20y; a=2; bad')).toEqual({ a: '1', b: 'x y' });
		expect(safeNext('/reach?days=7')).toBe('/reach?days=7');
		for (const evil of ['//evil.example', 'https://evil.example', '/\\evil.example', 'javascript:alert(1)'])
			expect(safeNext(evil)).toBe('/');
		expect(() => checkPasswordStrength('short')).toThrow(/at least 12/);
		expect(() => checkPasswordStrength('aaaaaaaaaaaa')).toThrow(/too easy to guess/);
		expect(() => checkPasswordStrength('ramesh-secret-1', 'ramesh')).toThrow(/username/);
		expect(() => checkPasswordStrength('a-good-long-pass')).not.toThrow();
	});
	test('cache: reuses within the TTL, single-flights misses, forgets failures, stays bounded', async () => {
		const c = new TtlCache<number>(1000, 2);
		let loads = 0;
		const load = async () => ++loads;
		const [a, b] = await Promise.all([c.get('k', 1000, load), c.get('k', 1000, load)]);
		expect([a, b, loads]).toEqual([1, 1, 1]);
		await expect(c.get('bad', 1000, async () => Promise.reject(new Error('x')))).rejects.toThrow('x');
		expect(await c.get('bad', 1000, load)).toBe(2);
		await c.get('k2', 1000, load);
		await c.get('k3', 1000, load);
		expect(await c.get('k', 1000, load)).toBe(5); // 'k' was evicted
		expect(await c.get('k', 0, load)).toBe(6); // ttl 0: no cache
	});
});
