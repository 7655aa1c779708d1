import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { compileCalendar } from '../../../../src/adapters/flows/calendar-file.js';
import type { Calendar, CalendarOverride, HoursResult } from '../../../../src/core/calendar/calendar-types.js';
import { evaluateCalendar } from '../../../../src/core/calendar/evaluate-calendar.js';

// Calendars are written in the file format: it reads better than TimeRange literals, and the
// compiler is covered on its own in test/unit/adapters/calendar-file.test.ts.
const calendar = (id: string, ...lines: string[]): Calendar => compileCalendar(`/flows/calendars/${id}.yaml`, lines.join('\n') + '\n');
const ZONE = 'America/Montreal';
/** Epoch ms of a wall-clock time in Montreal. */
const local = (text: string) => DateTime.fromISO(text, { zone: ZONE }).toMillis();
const utc = (text: string) => Date.parse(text);

const support = calendar(
  'support',
  `timezone: ${ZONE}`,
  'weekly:',
  '  mon-fri: ["08:00-12:00", "13:00-18:00"]',
  '  sat: ["09:00-13:00"]',
  '  sun: ["22:00-02:00"]',
  'holidays:',
  '  - { date: 2026-12-25, name: Christmas }',
  '  - 2026-01-01',
  '  - 2026-03-30',
  'exceptions:',
  '  - name: inventory',
  '    outcome: closed',
  '    from: 2026-11-27T12:00',
  '    to: 2026-11-27T16:00',
  '  - name: christmas-eve',
  '    outcome: open',
  '    date: 2026-12-24',
  '    hours: ["10:00-14:00"]',
  '  - name: training',
  '    outcome: closed',
  '    date: 2026-12-23',
  '  - name: storm',
  '    outcome: closed',
  '    manual: true',
  '  - name: short-day',
  '    outcome: open',
  '    manual: true',
  '    hours: ["10:00-12:00"]',
);

const weekly = (outcome: HoursResult['outcome']): HoursResult => ({ outcome, source: 'weekly' });

describe('evaluateCalendar: weekly hours', () => {
  it.each([
    ['Monday 07:59', '2026-03-16T07:59', 'closed'],
    ['Monday 08:00', '2026-03-16T08:00', 'open'],
    ['Monday 11:59', '2026-03-16T11:59', 'open'],
    ['Monday 12:00 (end is exclusive)', '2026-03-16T12:00', 'closed'],
    ['Monday 12:59', '2026-03-16T12:59', 'closed'],
    ['Monday 13:00', '2026-03-16T13:00', 'open'],
    ['Monday 17:59', '2026-03-16T17:59', 'open'],
    ['Monday 17:59:59.999', '2026-03-16T17:59:59.999', 'open'],
    ['Monday 18:00', '2026-03-16T18:00', 'closed'],
    ['Saturday 09:00', '2026-03-14T09:00', 'open'],
    ['Saturday 13:00', '2026-03-14T13:00', 'closed'],
    ['Saturday 23:00 (no overnight range on saturday)', '2026-03-14T23:00', 'closed'],
  ] as const)('given mon-fri 08-12 and 13-18, when it is %s, then the calendar is %s', (_, at, outcome) => {
    expect(evaluateCalendar(support, local(at))).toEqual(weekly(outcome));
  });
});

describe('evaluateCalendar: 24:00 as an end', () => {
  it('given tue 20:00-24:00, when it is 23:59 and then wednesday 00:00, then it is open and then closed', () => {
    const cal = calendar('late', `timezone: ${ZONE}`, 'weekly:', '  tue: ["20:00-24:00"]');
    expect(evaluateCalendar(cal, local('2026-03-17T23:59')).outcome).toBe('open');
    expect(evaluateCalendar(cal, local('2026-03-18T00:00')).outcome).toBe('closed');
  });
});

describe('evaluateCalendar: overnight range sun 22:00-02:00', () => {
  it.each([
    ['Sunday 21:59', '2026-03-15T21:59', 'closed'],
    ['Sunday 22:00', '2026-03-15T22:00', 'open'],
    ['Sunday 23:00', '2026-03-15T23:00', 'open'],
    ['Monday 00:00', '2026-03-16T00:00', 'open'],
    ['Monday 01:00', '2026-03-16T01:00', 'open'],
    ['Monday 01:59', '2026-03-16T01:59', 'open'],
    ['Monday 02:00', '2026-03-16T02:00', 'closed'],
  ] as const)('given the overnight range, when it is %s, then the calendar is %s', (_, at, outcome) => {
    expect(evaluateCalendar(support, local(at))).toEqual(weekly(outcome));
  });

  it('given sunday is a holiday, when it is the monday 01:00 after, then the overnight part still opens (a holiday covers only its own local day)', () => {
    const cal = calendar('night', `timezone: ${ZONE}`, 'weekly:', '  sun: ["22:00-02:00"]', 'holidays: [2026-03-15]');
    expect(evaluateCalendar(cal, local('2026-03-15T23:00')).outcome).toBe('holiday');
    expect(evaluateCalendar(cal, local('2026-03-16T01:00'))).toEqual(weekly('open'));
  });
});

describe('evaluateCalendar: DST in America/Montreal (instants in UTC, so the offset change is visible)', () => {
  const allWeek = calendar('dst', `timezone: ${ZONE}`, 'weekly:', '  mon-sun: ["08:00-18:00"]');
  it.each([
    ['the day before spring forward (EST, UTC-5), 07:59 local', '2026-03-07T12:59Z', 'closed'],
    ['the day before spring forward, 08:00 local', '2026-03-07T13:00Z', 'open'],
    ['spring forward day 2026-03-08 (EDT, UTC-4), 07:59 local', '2026-03-08T11:59Z', 'closed'],
    ['spring forward day, 08:00 local', '2026-03-08T12:00Z', 'open'],
    ['spring forward day, 17:59 local', '2026-03-08T21:59Z', 'open'],
    ['spring forward day, 18:00 local', '2026-03-08T22:00Z', 'closed'],
    ['the day before fall back (EDT), 08:00 local', '2026-10-31T12:00Z', 'open'],
    ['fall back day 2026-11-01 (EST, UTC-5), 07:59 local', '2026-11-01T12:59Z', 'closed'],
    ['fall back day, 08:00 local', '2026-11-01T13:00Z', 'open'],
    ['fall back day, 17:59 local', '2026-11-01T22:59Z', 'open'],
    ['fall back day, 18:00 local', '2026-11-01T23:00Z', 'closed'],
  ] as const)('given 08:00-18:00 every day, when it is %s, then the calendar is %s', (_, at, outcome) => {
    expect(evaluateCalendar(allWeek, utc(at)).outcome).toBe(outcome);
  });

  it('given a range starting in the spring gap (02:30), when the clock jumps from 01:59 EST to 03:00 EDT, then it opens at the jump', () => {
    const cal = calendar('gap', `timezone: ${ZONE}`, 'weekly:', '  sun: ["02:30-04:00"]');
    expect(evaluateCalendar(cal, utc('2026-03-08T06:59Z')).outcome).toBe('closed');
    expect(evaluateCalendar(cal, utc('2026-03-08T07:00Z')).outcome).toBe('open');
  });

  it('given a range ending inside the repeated hour (00:00-01:30), when fall back repeats 01:00-02:00, then it follows the wall clock and opens again at 01:00 EST', () => {
    const cal = calendar('repeat', `timezone: ${ZONE}`, 'weekly:', '  sun: ["00:00-01:30"]');
    expect(evaluateCalendar(cal, utc('2026-11-01T05:15Z')).outcome).toBe('open'); // 01:15 EDT
    expect(evaluateCalendar(cal, utc('2026-11-01T05:45Z')).outcome).toBe('closed'); // 01:45 EDT
    expect(evaluateCalendar(cal, utc('2026-11-01T06:15Z')).outcome).toBe('open'); // 01:15 EST
    expect(evaluateCalendar(cal, utc('2026-11-01T06:30Z')).outcome).toBe('closed'); // 01:30 EST
  });

  it('given a zone far from UTC (Asia/Tokyo), when it is 08:00 there on a monday, then the local day and time decide', () => {
    const cal = calendar('tokyo', 'timezone: Asia/Tokyo', 'weekly:', '  mon: ["08:00-09:00"]');
    expect(evaluateCalendar(cal, utc('2026-03-15T23:00Z')).outcome).toBe('open'); // Monday 08:00 JST, still Sunday in UTC
    expect(evaluateCalendar(cal, utc('2026-03-16T23:00Z')).outcome).toBe('closed'); // Tuesday 08:00 JST
  });
});

describe('evaluateCalendar: holidays', () => {
  it.each([
    ['Christmas (a friday) at 10:00', '2026-12-25T10:00', { outcome: 'holiday', source: 'holiday', holiday: 'Christmas' }],
    ['Christmas at 00:00 (the whole local day)', '2026-12-25T00:00', { outcome: 'holiday', source: 'holiday', holiday: 'Christmas' }],
    ['Christmas at 23:59', '2026-12-25T23:59', { outcome: 'holiday', source: 'holiday', holiday: 'Christmas' }],
    ['new year without a name (the date stands in)', '2026-01-01T10:00', { outcome: 'holiday', source: 'holiday', holiday: '2026-01-01' }],
    ['a holiday monday at 01:00, inside sunday night\'s overnight range', '2026-03-30T01:00', { outcome: 'holiday', source: 'holiday', holiday: '2026-03-30' }],
    ['the day after Christmas (a saturday) at 10:00', '2026-12-26T10:00', { outcome: 'open', source: 'weekly' }],
  ] as const)('given the holidays, when it is %s, then %j', (_, at, result) => {
    expect(evaluateCalendar(support, local(at))).toEqual(result);
  });
});

describe('evaluateCalendar: dated exceptions', () => {
  it.each([
    ['the inventory day 11:59, before the period', '2026-11-27T11:59', { outcome: 'open', source: 'weekly' }],
    ['inventory 12:00 (from is inclusive)', '2026-11-27T12:00', { outcome: 'closed', exception: 'inventory', source: 'exception' }],
    ['inventory 15:59', '2026-11-27T15:59', { outcome: 'closed', exception: 'inventory', source: 'exception' }],
    ['inventory 16:00 (to is exclusive)', '2026-11-27T16:00', { outcome: 'open', source: 'weekly' }],
    ['christmas eve 09:59, before its hours', '2026-12-24T09:59', { outcome: 'closed', exception: 'christmas-eve', source: 'exception' }],
    ['christmas eve 10:00', '2026-12-24T10:00', { outcome: 'open', exception: 'christmas-eve', source: 'exception' }],
    ['christmas eve 13:59', '2026-12-24T13:59', { outcome: 'open', exception: 'christmas-eve', source: 'exception' }],
    ['christmas eve 14:00, after its hours (weekly would be open)', '2026-12-24T14:00', { outcome: 'closed', exception: 'christmas-eve', source: 'exception' }],
    ['the training day (whole date, no hours) at 10:00', '2026-12-23T10:00', { outcome: 'closed', exception: 'training', source: 'exception' }],
    ['any time, for a manual exception that nobody switched on', '2026-03-16T10:00', { outcome: 'open', source: 'weekly' }],
  ] as const)('given the exceptions, when it is %s, then %j', (_, at, result) => {
    expect(evaluateCalendar(support, local(at))).toEqual(result);
  });
});

describe('evaluateCalendar: manual overrides', () => {
  const at = local('2026-03-16T10:00'); // a monday, open by the weekly hours
  const override = (state: string, until: number | null, calendarId = 'support'): CalendarOverride => ({ calendarId, state, until, setAt: at - 60_000, setBy: 'sup1', reason: 'test' });

  it.each([
    ['closed until cleared', override('closed', null), { outcome: 'closed', source: 'override' }],
    ['holiday until tonight', override('holiday', local('2026-03-16T23:59')), { outcome: 'holiday', source: 'override' }],
    ['naming the manual exception storm', override('storm', null), { outcome: 'closed', exception: 'storm', source: 'override' }],
    ['naming a dated exception (its outcome applies)', override('inventory', null), { outcome: 'closed', exception: 'inventory', source: 'override' }],
    ['expired one millisecond ago', override('closed', at - 1), { outcome: 'open', source: 'weekly' }],
    ['expiring exactly now (until is exclusive)', override('closed', at), { outcome: 'open', source: 'weekly' }],
    ['naming an unknown state', override('lunch', null), { outcome: 'open', source: 'weekly' }],
    ['set on another calendar', override('closed', null, 'sales'), { outcome: 'open', source: 'weekly' }],
  ] as const)('given an override %s, when evaluated on a monday at 10:00, then %j', (_, o, result) => {
    expect(evaluateCalendar(support, at, o)).toEqual(result);
  });

  it('given no override (undefined or null), when evaluated, then weekly decides', () => {
    expect(evaluateCalendar(support, at)).toEqual(weekly('open'));
    expect(evaluateCalendar(support, at, null)).toEqual(weekly('open'));
  });

  it.each([
    ['09:59', 'closed'],
    ['10:00', 'open'],
    ['11:59', 'open'],
    ['12:00', 'closed'],
  ] as const)('given an override naming short-day (open 10:00-12:00), when it is %s on that day, then it is %s', (time, outcome) => {
    const o = override('short-day', null);
    expect(evaluateCalendar(support, local(`2026-03-16T${time}`), o)).toEqual({ outcome, exception: 'short-day', source: 'override' });
  });
});

describe('evaluateCalendar: precedence override > dated exception > holiday > weekly', () => {
  const cal = calendar(
    'precedence',
    `timezone: ${ZONE}`,
    'weekly:',
    '  mon-sun: ["08:00-18:00"]',
    'holidays: [2026-12-25, 2026-12-26]',
    'exceptions:',
    '  - { name: hotline, outcome: open, date: 2026-12-25, hours: ["10:00-14:00"] }',
    '  - { name: first, outcome: closed, from: 2026-12-27T09:00, to: 2026-12-27T12:00 }',
    '  - { name: second, outcome: holiday, from: 2026-12-27T10:00, to: 2026-12-27T11:00 }',
  );
  const closedOverride: CalendarOverride = { calendarId: 'precedence', state: 'closed', until: null, setAt: 0 };

  it.each([
    ['a dated exception beats a holiday', '2026-12-25T11:00', null, { outcome: 'open', exception: 'hotline', source: 'exception' }],
    ['a holiday beats weekly', '2026-12-26T11:00', null, { outcome: 'holiday', source: 'holiday', holiday: '2026-12-26' }],
    ['weekly when nothing else applies', '2026-12-28T11:00', null, { outcome: 'open', source: 'weekly' }],
    ['an override beats a dated exception', '2026-12-25T11:00', closedOverride, { outcome: 'closed', source: 'override' }],
    ['an override beats a holiday', '2026-12-26T11:00', { ...closedOverride, state: 'open' }, { outcome: 'open', source: 'override' }],
    ['overlapping exceptions: the first listed wins', '2026-12-27T10:30', null, { outcome: 'closed', exception: 'first', source: 'exception' }],
  ] as const)('given %s, when evaluated, then %j', (_, at, o, result) => {
    expect(evaluateCalendar(cal, local(at), o)).toEqual(result);
  });
});
