import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Value } from 'typebox/value';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CalendarFileSchema, compileCalendar } from '../../../src/adapters/flows/calendar-file.js';
import { FlowError, type FlowProblem } from '../../../src/adapters/flows/yaml-source.js';

const FILE = '/flows/calendars/support.yaml';
const lines = (...l: string[]) => l.join('\n') + '\n';
const TZ = 'timezone: America/Montreal';

function problemsOf(source: string, file = FILE): FlowProblem[] {
  try {
    compileCalendar(file, source);
  } catch (err) {
    expect(err).toBeInstanceOf(FlowError);
    return (err as FlowError).problems;
  }
  throw new Error('expected the calendar to be rejected');
}

describe('compileCalendar: valid files', () => {
  const sample = new URL('../../../ivr-flows/calendars/support.yaml', import.meta.url);
  const source = readFileSync(sample, 'utf8');

  it('given the sample support.yaml, when compiled, then the id comes from the file name and every part is resolved', () => {
    const cal = compileCalendar('ivr-flows/calendars/support.yaml', source);
    expect(cal.id).toBe('support');
    expect(cal.timezone).toBe('America/Montreal');
    expect(cal.file).toBe('ivr-flows/calendars/support.yaml');
    expect(cal.sha256).toBe(createHash('sha256').update(source).digest('hex'));
    expect(cal.weekly.mon).toEqual([{ start: 480, end: 720 }, { start: 780, end: 1080 }]);
    expect(cal.weekly.fri).toEqual(cal.weekly.mon);
    expect(cal.weekly.sat).toEqual([{ start: 540, end: 780 }]);
    expect(cal.weekly.sun).toEqual([{ start: 1320, end: 1560 }]); // overnight: ends 02:00 the next day
    expect(cal.holidays).toEqual([{ date: '2026-01-01' }, { date: '2026-07-01', name: 'Canada Day' }, { date: '2026-12-25', name: 'Christmas' }]);
    expect(cal.exceptions).toEqual([
      { name: 'inventory', outcome: 'closed', manual: false, from: '2026-11-27T12:00', to: '2026-11-27T18:00' },
      { name: 'christmas-eve', outcome: 'open', manual: false, date: '2026-12-24', hours: [{ start: 600, end: 840 }] },
      { name: 'storm', outcome: 'closed', manual: true },
    ]);
  });

  it('given the sample, when checked against the exported JSON Schema, then it is valid (editors see the same shape)', () => {
    expect(Value.Check(CalendarFileSchema, parse(source))).toBe(true);
    expect(JSON.parse(JSON.stringify(CalendarFileSchema))).toMatchObject({ type: 'object', additionalProperties: false, required: ['timezone', 'weekly'] });
  });

  it.each([
    ['a list of days', '  "mon,wed": ["09:00-10:00"]', ['mon', 'wed']],
    ['a list mixing a range and a day', '  "mon-wed, sat": ["09:00-10:00"]', ['mon', 'tue', 'wed', 'sat']],
    ['a range wrapping the week', '  fri-mon: ["09:00-10:00"]', ['mon', 'fri', 'sat', 'sun']],
    ['capitalised names', '  Mon-Tue: ["09:00-10:00"]', ['mon', 'tue']],
  ])('given %s as the weekly key, when compiled, then exactly those days open', (_, line, days) => {
    const cal = compileCalendar(FILE, lines(TZ, 'weekly:', line));
    expect(Object.entries(cal.weekly).filter(([, r]) => r.length > 0).map(([d]) => d)).toEqual(days);
  });

  it('given single-digit hours, spaces around the dash and 24:00, when compiled, then the ranges are minutes after midnight, sorted', () => {
    const cal = compileCalendar(FILE, lines(TZ, 'weekly:', '  mon: ["13:00 - 24:00", "8:00-12:00", 00:00-24:00]'));
    expect(cal.weekly.mon).toEqual([{ start: 0, end: 1440 }, { start: 480, end: 720 }, { start: 780, end: 1440 }]);
  });

  it('given a space instead of T in from/to and an explicit !!timestamp date, when compiled, then both read as local text', () => {
    const cal = compileCalendar(
      FILE,
      lines(TZ, 'weekly: {}', 'holidays: [!!timestamp 2026-12-25]', 'exceptions:', '  - { name: x, outcome: closed, from: "2026-11-27 12:00", to: 2026-11-27T13:30 }'),
    );
    expect(cal.holidays).toEqual([{ date: '2026-12-25' }]);
    expect(cal.exceptions[0]).toMatchObject({ from: '2026-11-27T12:00', to: '2026-11-27T13:30' });
  });

  it('given a JSON file, when compiled, then it works the same and the id drops the .json extension', () => {
    const cal = compileCalendar('/flows/calendars/sales.json', '{"timezone": "Europe/Paris", "weekly": {"mon-fri": ["09:00-17:00"]}}');
    expect(cal.id).toBe('sales');
    expect(cal.weekly.wed).toEqual([{ start: 540, end: 1020 }]);
    expect(cal.holidays).toEqual([]);
    expect(cal.exceptions).toEqual([]);
  });
});

describe('compileCalendar: each mistake reported at its line:col', () => {
  const exception = (...l: string[]) => lines(TZ, 'weekly: {}', 'exceptions:', ...l);
  it.each([
    ['a bad end time (at the time inside the string)', lines(TZ, 'weekly:', '  mon: ["08:00-25:00"]'), '3:16', "'25:00' is not a time"],
    ['minutes past 59', lines(TZ, 'weekly:', '  mon: [08:00-12:60]'), '3:15', "'12:60' is not a time"],
    ['24:00 as a start', lines(TZ, 'weekly:', '  sat: [24:00-12:00]'), '3:9', "'24:00' is not a start time"],
    ['not a range', lines(TZ, 'weekly:', '  mon: ["0800"]'), '3:9', "'0800' is not a range"],
    ['an empty range', lines(TZ, 'weekly:', '  mon: ["08:00-08:00"]'), '3:9', 'is empty; use 00:00-24:00'],
    ['an unknown day name (at the key)', lines(TZ, 'weekly:', '  mon-fro: ["08:00-12:00"]'), '3:3', "unknown day 'fro' in 'mon-fro'"],
    ['a day listed twice (at the second key)', lines(TZ, 'weekly:', '  mon-fri: ["08:00-12:00"]', '  wed: ["13:00-14:00"]'), '4:3', "'wed' in 'wed' is already listed under 'mon-fri'"],
    ['weekly hours that are not a list', lines(TZ, 'weekly:', '  mon: "08:00-12:00"'), '3:8', 'weekly.mon: must be an array'],
    ['weekly that is not a map', lines(TZ, 'weekly: [mon]'), '2:9', 'weekly: must be an object'],
    ['an unknown top-level key (at the key)', lines(TZ, 'weekly: {}', 'holiday: [2026-12-25]'), '3:1', "unknown key 'holiday' (known: timezone, description, weekly, holidays, exceptions)"],
    ['a missing timezone', lines('weekly: {}'), '1:1', "missing required key 'timezone'"],
    ['an invalid timezone', lines('timezone: America/Montréal', 'weekly: {}'), '1:11', "unknown time zone 'America/Montréal'"],
    ['a holiday that is not a real date', lines(TZ, 'weekly: {}', 'holidays: [2026-02-30]'), '3:12', "holidays[0]: '2026-02-30' is not a date"],
    ['a holiday listed twice', lines(TZ, 'weekly: {}', 'holidays: [2026-12-25, 2026-12-25]'), '3:24', 'holidays[1]: 2026-12-25 is already a holiday (holidays[0])'],
    ['an unknown key in a holiday', lines(TZ, 'weekly: {}', 'holidays:', '  - { date: 2026-12-25, nam: Xmas }'), '4:25', "holidays[0]: unknown key 'nam'"],
    ['a holiday without a date', lines(TZ, 'weekly: {}', 'holidays:', '  - { name: Xmas }'), '4:5', "holidays[0]: missing required key 'date'"],
    ['a holiday that is a number', lines(TZ, 'weekly: {}', 'holidays: [5]'), '3:12', 'holidays[0]: a holiday is a date (YYYY-MM-DD) or { date, name }'],
    ['an unknown key in an exception', exception('  - name: inv', '    outcome: closed', '    date: 2026-11-27', '    reason: x'), '7:5', "exceptions[0]: unknown key 'reason'"],
    ['an exception without an outcome', exception('  - name: inv', '    date: 2026-11-27'), '4:5', "exceptions[0]: missing required key 'outcome'"],
    ['a duplicate exception name (at the second name)', exception('  - { name: a, outcome: closed, date: 2026-11-27 }', '  - { name: a, outcome: open, date: 2026-11-28 }'), '5:13', "duplicate exception name 'a' (exceptions[0])"],
    ['an exception named like an outcome', exception('  - { name: open, outcome: open, date: 2026-11-27 }'), '4:13', "'open' is an outcome already"],
    ['an exception name with spaces', exception('  - { name: "big sale", outcome: open, date: 2026-11-27 }'), '4:13', "'big sale' must start with a letter"],
    ['an unknown outcome', exception('  - { name: a, outcome: maybe, date: 2026-11-27 }'), '4:25', 'exceptions[0].outcome: must be open, closed or holiday'],
    ['both date and from/to (at from)', exception('  - name: a', '    outcome: closed', '    date: 2026-11-27', '    from: 2026-11-27T12:00', '    to: 2026-11-27T13:00'), '7:5', 'use either date (a whole day) or from/to, not both'],
    ['to before from (at to)', exception('  - name: a', '    outcome: closed', '    from: 2026-11-27T12:00', '    to: 2026-11-27T11:00'), '7:9', 'exceptions[0].to: 2026-11-27T11:00 must be after from (2026-11-27T12:00)'],
    ['to equal to from', exception('  - name: a', '    outcome: closed', '    from: 2026-11-27T12:00', '    to: 2026-11-27T12:00'), '7:9', 'must be after from'],
    ['from without a time', exception('  - name: a', '    outcome: closed', '    from: 2026-11-27', '    to: 2026-11-27T12:00'), '6:11', "exceptions[0].from: '2026-11-27' is not a local date and time (YYYY-MM-DDTHH:MM)"],
    ['from without to', exception('  - name: a', '    outcome: closed', '    from: 2026-11-27T12:00'), '4:5', "exceptions[0]: 'from' needs 'to'"],
    ['a bad exception date', exception('  - { name: a, outcome: closed, date: 2026-13-01 }'), '4:39', "exceptions[0].date: '2026-13-01' is not a date"],
    ['a manual exception with a date (at date)', exception('  - name: a', '    outcome: closed', '    manual: true', '    date: 2026-11-27'), '7:5', "a manual exception has no dates; remove 'date'"],
    ['an exception with no dates that is not manual', exception('  - name: a', '    outcome: closed'), '4:5', 'exceptions[0]: needs date, from and to, or manual: true'],
    ['hours with from/to (at hours)', exception('  - name: a', '    outcome: open', '    from: 2026-11-27T12:00', '    to: 2026-11-27T13:00', '    hours: ["10:00-11:00"]'), '8:5', 'hours go with date or manual'],
    ['hours with outcome closed (at outcome)', exception('  - name: a', '    outcome: closed', '    date: 2026-11-27', '    hours: ["10:00-11:00"]'), '5:14', 'its outcome must be open'],
    ['overnight exception hours (at the end time)', exception('  - name: a', '    outcome: open', '    date: 2026-11-27', '    hours: ["22:00-02:00"]'), '7:20', 'ends before it starts; exception hours end the same day'],
    ['an id that is not a name (from the file name)', lines(TZ, 'weekly: {}'), '1:1', "calendar id '2nd line' comes from the file name", '/flows/calendars/2nd line.yaml'],
    ['a YAML anchor', lines(TZ, 'weekly:', '  mon: &h ["08:00-12:00"]'), '3:11', 'anchors and aliases are not allowed'],
    ['a YAML syntax error', lines(TZ, 'weekly:', '  mon: ["08:00-12:00"'), '4:1', ''],
  ].map(([given = '', source = '', at = '', message = '', file = FILE]) => [given, at, source, message, file]))('given %s, when compiled, then it is reported at %s', (_, at, source, message, file) => {
    const problems = problemsOf(source, file);
    expect(problems.map((p) => `${p.line}:${p.col}`)).toEqual([at]);
    expect(problems[0]?.message).toContain(message);
    expect(problems[0]?.file).toBe(file);
  });
});

describe('compileCalendar: several problems in one pass', () => {
  it('given five mistakes across the file, when compiled, then all are reported in file order with file:line:col', () => {
    const source = lines(
      'timezone: Mars/Olympus',
      'weekly:',
      '  mon-fri: ["08:00-12:00", "13:00-18:70"]',
      '  sundy: ["10:00-12:00"]',
      'holidays: [2026-12-25]',
      'exceptions:',
      '  - { name: inv, outcome: closed, from: 2026-11-27T12:00, to: 2026-11-27T10:00 }',
      '  - { name: inv, outcome: closed, manual: true }',
      'color: blue',
    );
    let error: unknown;
    try {
      compileCalendar(FILE, source);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(FlowError);
    const problems = (error as FlowError).problems;
    expect(problems.map((p) => `${p.line}:${p.col}`)).toEqual(['1:11', '3:35', '4:3', '7:63', '8:13', '9:1']);
    expect((error as FlowError).message.split('\n')[0]).toBe(`${FILE}:1:11: timezone: unknown time zone 'Mars/Olympus' (use an IANA name such as America/Montreal)`);
  });
});
