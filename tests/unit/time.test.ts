import {
	addDays,
	dayAsDate,
	daysBetween,
	isCalendarDate,
	isoWeekStart,
	monthEnd,
	monthStart,
	todayIn,
	wallTimeToDate,
	zoneOffsetMs,
} from '../../core/time';

describe("core/time: days of a district's calendar", () => {
	test("today flips at the zone's midnight: IST at 18:30 UTC, New York at 04:00 or 05:00 UTC", () => {
		expect(todayIn('Asia/Kolkata', new Date('2026-03-31T18:29:59Z'))).toBe('2026-03-31');
		expect(todayIn('Asia/Kolkata', new Date('2026-03-31T18:30:00Z'))).toBe('2026-04-01');
		expect(todayIn('America/New_York', new Date('2026-07-01T03:59:59Z'))).toBe('2026-06-30');
		expect(todayIn('America/New_York', new Date('2026-07-01T04:00:00Z'))).toBe('2026-07-01');
	});

	test('a calendar date is a real day written YYYY-MM-DD', () => {
		for (const ok of ['2026-01-01', '2024-02-29', '2026-12-31']) expect(isCalendarDate(ok)).toBe(true);
		for (const bad of ['2026-02-29', '2026-02-30', '2026-13-01', '2026-1-1', '31-12-2026', '2026-12-31x', '', 20260101, null])
			expect(isCalendarDate(bad)).toBe(false);
	});

	test('day arithmetic crosses months, years and daylight-saving changes exactly', () => {
		expect(addDays('2026-02-28', 1)).toBe('2026-03-01');
		expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
		expect(addDays('2026-01-01', -1)).toBe('2025-12-31');
		expect(addDays('2026-03-08', 1)).toBe('2026-03-09'); // US spring forward
		expect(daysBetween('2026-02-27', '2026-03-02')).toBe(3);
		expect(daysBetween('2026-03-02', '2026-02-27')).toBe(-3);
		expect(isoWeekStart('2026-03-08')).toBe('2026-03-02'); // a Sunday
		expect(isoWeekStart('2026-03-09')).toBe('2026-03-09'); // a Monday
		expect(monthStart('2026-03-25')).toBe('2026-03-01');
		expect(monthStart('2026-01-15', -1)).toBe('2025-12-01');
		expect(monthEnd('2026-02-10')).toBe('2026-02-28');
		expect(monthEnd('2024-02-10')).toBe('2024-02-29');
		expect(dayAsDate('2026-03-01').toISOString()).toBe('2026-03-01T12:00:00.000Z');
	});

	test('zone offset and wall time: a clock time in a zone is one instant', () => {
		expect(zoneOffsetMs('Asia/Kolkata', new Date('2026-03-01T00:00:00Z'))).toBe(5.5 * 3600_000);
		expect(zoneOffsetMs('America/New_York', new Date('2026-01-15T12:00:00Z'))).toBe(-5 * 3600_000);
		expect(zoneOffsetMs('America/New_York', new Date('2026-07-15T12:00:00Z'))).toBe(-4 * 3600_000);
		expect(wallTimeToDate('2099-03-01T10:30:00', 'Asia/Kolkata')?.toISOString()).toBe('2099-03-01T05:00:00.000Z');
		expect(wallTimeToDate('2026-07-15 08:00', 'America/New_York')?.toISOString()).toBe('2026-07-15T12:00:00.000Z');
		// An explicit offset or Z wins over the zone.
		expect(wallTimeToDate('2026-07-15T08:00:00Z', 'Asia/Kolkata')?.toISOString()).toBe('2026-07-15T08:00:00.000Z');
		expect(wallTimeToDate('2026-07-15T08:00:00+02:00', 'Asia/Kolkata')?.toISOString()).toBe('2026-07-15T06:00:00.000Z');
		for (const bad of ['tomorrow', '2026-02-30T10:00', '10:30', '']) expect(wallTimeToDate(bad, 'Asia/Kolkata')).toBeUndefined();
	});
});
