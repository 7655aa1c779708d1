import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { compileCalendar } from '../../../../src/adapters/flows/calendar-file.js';
import type { Calendar, CalendarOverride, HoursResult } from '../../../../src/core/calendar/calendar-types.js';
import { evaluateCalendar, nextChange, nextOpening } from '../../../../src/core/calendar/evaluate-calendar.js';

const calendar = (id: string, ...lines: string[]): Calendar => compileCalendar(`/flows/calendars/${id}.yaml`, lines.join('\n') + '\n');
const ZONE = 'America/Montreal';
const local = (text: string) => DateTime.fromISO(text, { zone: ZONE }).toMillis();
const show = (ms: number | null) => (ms === null ? null : DateTime.fromMillis(ms, { zone: ZONE }).toISO({ suppressMilliseconds: true, suppressSeconds: true }));

const support = calendar(
  'support',
  `timezone: ${ZONE}`,
  'weekly:',
  '  mon-fri: ["08:00-12:00", "13:00-18:00"]',
  '  sat: ["09:00-13:00"]',
  '  sun: ["22:00-02:00"]',
  'holidays: [2026-12-25]',
  'exceptions:',
  '  - { name: inventory, outcome: closed, from: 2026-11-27T12:00, to: 2026-11-27T16:00 }',
  '  - { name: christmas-eve, outcome: open, date: 2026-12-24, hours: ["10:00-14:00"] }',
);

describe('nextChange', () => {
  it.each([
    ['open on a monday morning', '2026-03-16T10:00', '2026-03-16T12:00-04:00'],
    ['at lunch', '2026-03-16T12:00', '2026-03-16T13:00-04:00'],
    ['in the middle of a minute', '2026-03-16T11:59:30', '2026-03-16T12:00-04:00'],
    ['friday evening', '2026-03-20T18:00', '2026-03-21T09:00-04:00'],
    ['saturday afternoon (until the overnight sunday range)', '2026-03-21T13:00', '2026-03-22T22:00-04:00'],
    ['sunday night inside the overnight range', '2026-03-22T23:00', '2026-03-23T02:00-04:00'],
    ['saturday night before spring forward (EST)', '2026-03-07T14:00', '2026-03-08T22:00-04:00'],
    ['the evening before fall back (EDT)', '2026-10-31T20:00', '2026-11-01T22:00-05:00'],
    ['the morning of the inventory (into the exception)', '2026-11-27T10:00', '2026-11-27T12:00-05:00'],
    ['during the inventory (back to weekly at its end)', '2026-11-27T13:00', '2026-11-27T16:00-05:00'],
    ['christmas eve before its hours', '2026-12-24T09:00', '2026-12-24T10:00-05:00'],
    ['christmas eve evening (closed by the exception, then the holiday at midnight)', '2026-12-24T20:00', '2026-12-25T00:00-05:00'],
    ['christmas (holiday until the end of the local day)', '2026-12-25T10:00', '2026-12-26T00:00-05:00'],
  ])('given the support calendar, when it is %s, then the result next changes at %s', (_, at, expected) => {
    expect(show(nextChange(support, local(at)))).toBe(expected);
  });

  it('given 08:00-18:00 every day, when asked on the evening before spring forward, then the change is 08:00 EDT (12:00 UTC)', () => {
    const cal = calendar('dst', `timezone: ${ZONE}`, 'weekly:', '  mon-sun: ["08:00-18:00"]');
    expect(nextChange(cal, local('2026-03-07T20:00'))).toBe(Date.parse('2026-03-08T12:00Z'));
    expect(nextChange(cal, local('2026-10-31T20:00'))).toBe(Date.parse('2026-11-01T13:00Z'));
  });

  it('given a range starting in the spring gap, when asked before it, then the change is the jump itself', () => {
    const cal = calendar('gap', `timezone: ${ZONE}`, 'weekly:', '  sun: ["02:30-04:00"]');
    expect(nextChange(cal, Date.parse('2026-03-08T06:00Z'))).toBe(Date.parse('2026-03-08T07:00Z'));
  });

  it('given an override until 11:00, when asked at 10:00, then the change is its expiry', () => {
    const o: CalendarOverride = { calendarId: 'support', state: 'closed', until: local('2026-03-16T11:00'), setAt: 0 };
    expect(show(nextChange(support, local('2026-03-16T10:00'), o))).toBe('2026-03-16T11:00-04:00');
  });

  it('given an override closed until cleared, when asked, then nothing changes within 14 days', () => {
    const o: CalendarOverride = { calendarId: 'support', state: 'closed', until: null, setAt: 0 };
    expect(nextChange(support, local('2026-03-16T10:00'), o)).toBeNull();
  });

  it('given a calendar that is never open, when asked, then there is no change and no opening', () => {
    const cal = calendar('never', `timezone: ${ZONE}`, 'weekly: {}');
    expect(nextChange(cal, local('2026-03-16T10:00'))).toBeNull();
    expect(nextOpening(cal, local('2026-03-16T10:00'))).toBeNull();
  });

  it('given the only open hours 20 days away, when asked, then nothing is reported (14-day horizon)', () => {
    const cal = calendar('far', `timezone: ${ZONE}`, 'weekly: {}', 'exceptions:', '  - { name: event, outcome: open, date: 2026-04-05 }');
    expect(nextChange(cal, local('2026-03-16T10:00'))).toBeNull();
    expect(show(nextChange(cal, local('2026-03-25T10:00')))).toBe('2026-04-05T00:00-04:00');
  });

  // Cross-check against the obvious definition: step minute by minute until the result differs.
  it('given instants every 7 hours over the spring-forward week, when compared with minute stepping, then nextChange agrees', () => {
    const same = (a: HoursResult, b: HoursResult) => JSON.stringify(a) === JSON.stringify(b);
    for (let at = local('2026-03-05T00:17'); at < local('2026-03-13T00:00'); at += 7 * 3_600_000) {
      const now = evaluateCalendar(support, at);
      let t = Math.floor(at / 60_000) * 60_000 + 60_000;
      while (same(evaluateCalendar(support, t), now)) t += 60_000;
      expect(show(nextChange(support, at)), show(at) ?? '').toBe(show(t));
    }
  });
});

describe('nextOpening', () => {
  it.each([
    ['open now', '2026-03-16T10:00', '2026-03-16T10:00-04:00'],
    ['friday evening', '2026-03-20T19:00', '2026-03-21T09:00-04:00'],
    ['christmas eve evening, across the holiday and the weekend', '2026-12-24T20:00', '2026-12-26T09:00-05:00'],
    ['during the inventory', '2026-11-27T13:00', '2026-11-27T16:00-05:00'],
  ])('given the support calendar, when it is %s, then it opens at %s', (_, at, expected) => {
    expect(show(nextOpening(support, local(at)))).toBe(expected);
  });

  it('given an override closed until 11:30 on a monday, when asked at 10:00, then it opens at 11:30 (weekly hours resume)', () => {
    const o: CalendarOverride = { calendarId: 'support', state: 'closed', until: local('2026-03-16T11:30'), setAt: 0 };
    expect(show(nextOpening(support, local('2026-03-16T10:00'), o))).toBe('2026-03-16T11:30-04:00');
  });
});
