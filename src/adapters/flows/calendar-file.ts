import { createHash } from 'node:crypto';
import { basename, extname } from 'node:path';
import { IANAZone } from 'luxon';
import { Type } from 'typebox';
import { Value } from 'typebox/value';
import {
  DAY_NAMES,
  HOURS_OUTCOMES,
  type Calendar,
  type CalendarException,
  type DayName,
  type Holiday,
  type TimeRange,
  type WeeklyHours,
} from '../../core/calendar/calendar-types.js';
import { FlowError, parseSource, type FlowProblem, type SourceFile, type YamlPath } from './yaml-source.js';

// Calendar files (ivr-flows/calendars/<id>.yaml). Two passes, like flow files: the TypeBox schema
// catches shape mistakes (types, missing and unknown keys); a semantic pass reads the values
// (times, days, dates, zone, combinations) and points at the exact character that is wrong. The
// schema's patterns are there for editors; their errors are left to the semantic pass, whose
// messages say what a good value looks like.

const DATE = '^\\d{4}-\\d{2}-\\d{2}$';
const LOCAL_TIME = '^\\d{4}-\\d{2}-\\d{2}[T ]\\d{2}:\\d{2}$';
const RANGE = '^\\s*\\d{1,2}:\\d{2}\\s*-\\s*\\d{1,2}:\\d{2}\\s*$';
const NAME = '^[A-Za-z][A-Za-z0-9_-]*$';

const Range = Type.String({
  pattern: RANGE,
  description: 'HH:MM-HH:MM local time, end exclusive; 24:00 ends at midnight; an end before the start runs past midnight (weekly only)',
});
const ExceptionSchema = Type.Object(
  {
    name: Type.String({ pattern: NAME, description: 'Also an outcome the hours node can wire' }),
    outcome: Type.Union([Type.Literal('open'), Type.Literal('closed'), Type.Literal('holiday')], { description: 'What it means when the flow does not wire the name' }),
    manual: Type.Optional(Type.Boolean({ description: 'No dates: only active while a supervisor override names it' })),
    date: Type.Optional(Type.String({ pattern: DATE, description: 'A whole local day' })),
    from: Type.Optional(Type.String({ pattern: LOCAL_TIME, description: 'Local YYYY-MM-DDTHH:MM' })),
    to: Type.Optional(Type.String({ pattern: LOCAL_TIME, description: 'Local YYYY-MM-DDTHH:MM, exclusive' })),
    hours: Type.Optional(Type.Array(Range, { description: 'Open only in these hours that day (outcome must be open); closed outside them' })),
  },
  { additionalProperties: false },
);

export const CalendarFileSchema = Type.Object(
  {
    timezone: Type.String({ description: 'IANA time zone, e.g. America/Montreal' }),
    description: Type.Optional(Type.String()),
    weekly: Type.Record(Type.String(), Type.Array(Range), { description: 'Open hours by day: mon-fri, sat, "mon,wed"; days not listed are closed' }),
    holidays: Type.Optional(
      Type.Array(
        Type.Union([Type.String({ pattern: DATE }), Type.Object({ date: Type.String({ pattern: DATE }), name: Type.Optional(Type.String()) }, { additionalProperties: false })]),
        { description: 'Whole local days closed with outcome holiday' },
      ),
    ),
    exceptions: Type.Optional(Type.Array(ExceptionSchema)),
  },
  { additionalProperties: false, title: 'Switchboard business-hours calendar' },
);

const RESERVED = new Set<string>(HOURS_OUTCOMES);

/** Parses and validates one calendar file; every problem (all of them, in one pass) carries file:line:col. */
export function compileCalendar(file: string, source: string): Calendar {
  const src = parseSource(file, source);
  if (src.problems.length > 0) throw new FlowError(src.problems);
  const raw = datesAsText(src.raw);
  const problems: FlowProblem[] = [];
  const c = checker(src, problems);

  const id = basename(file, extname(file));
  if (!new RegExp(NAME).test(id)) c.report([], `calendar id '${id}' comes from the file name and must start with a letter and use letters, digits, _ or -`);
  schemaProblems(c, raw);
  const doc = isRecord(raw) ? raw : {};
  const timezone = doc.timezone;
  if (typeof timezone === 'string' && !IANAZone.isValidZone(timezone)) c.report(['timezone'], `timezone: unknown time zone '${timezone}' (use an IANA name such as America/Montreal)`);
  const weekly = compileWeekly(c, doc.weekly);
  const holidays = compileHolidays(c, doc.holidays);
  const exceptions = compileExceptions(c, doc.exceptions);

  if (problems.length > 0) throw new FlowError(sorted(problems));
  return { id, timezone: timezone as string, weekly, holidays, exceptions, sha256: createHash('sha256').update(source).digest('hex'), file };
}

interface Checker {
  src: SourceFile;
  report(path: YamlPath, message: string): void;
  reportAt(pos: { line: number; col: number }, message: string): void;
}

function checker(src: SourceFile, problems: FlowProblem[]): Checker {
  return {
    src,
    report: (path, message) => problems.push(src.problem(path, message)),
    reportAt: (pos, message) => problems.push({ file: src.file, ...pos, message }),
  };
}

function schemaProblems(c: Checker, raw: unknown): void {
  const seen = new Set<string>();
  for (const e of Value.Errors(CalendarFileSchema, raw)) {
    // Holiday items are a union (date or { date, name }); union errors list every branch, so the
    // semantic pass reports those items itself.
    if (['boolean', 'pattern', 'anyOf'].includes(e.keyword) || e.schemaPath.includes('/anyOf/') || e.instancePath.startsWith('/holidays/')) continue;
    if (seen.has(`${e.instancePath} ${e.keyword}`)) continue;
    seen.add(`${e.instancePath} ${e.keyword}`);
    const path = pointerToPath(e.instancePath);
    const prefix = path.length ? `${label(path)}: ` : '';
    if (e.keyword === 'additionalProperties') {
      const known = path.length === 0 ? Object.keys(CalendarFileSchema.properties) : path[0] === 'exceptions' ? Object.keys(ExceptionSchema.properties) : [];
      for (const key of (e.params as { additionalProperties?: string[] }).additionalProperties ?? []) {
        c.reportAt(c.src.keyAt(path, key), `${prefix}unknown key '${key}'${known.length ? ` (known: ${known.join(', ')})` : ''}`);
      }
    } else if (e.keyword === 'required') {
      for (const key of (e.params as { requiredProperties?: string[] }).requiredProperties ?? []) c.report(path, `${prefix || 'calendar: '}missing required key '${key}'`);
    } else if (e.keyword === 'type') {
      c.report(path, `${prefix}must be ${article(String((e.params as { type?: unknown }).type))}`);
    } else c.report(path, `${prefix}${e.message}`);
  }
}

function compileWeekly(c: Checker, value: unknown): WeeklyHours {
  const weekly = Object.fromEntries(DAY_NAMES.map((d) => [d, [] as TimeRange[]])) as WeeklyHours;
  if (!isRecord(value)) return weekly;
  const listedUnder = new Map<DayName, string>();
  for (const [key, ranges] of Object.entries(value)) {
    const { days, unknown } = parseDays(key);
    for (const name of unknown) c.reportAt(c.src.keyAt(['weekly'], key), `weekly: unknown day '${name}' in '${key}' (days: ${DAY_NAMES.join(', ')}; ranges like mon-fri; lists like mon,wed)`);
    // Listing a day twice is ambiguous (add to or replace the first hours?), so it is an error.
    for (const day of days) {
      const first = listedUnder.get(day);
      if (first !== undefined) c.reportAt(c.src.keyAt(['weekly'], key), `weekly: '${day}' in '${key}' is already listed under '${first}'`);
      else listedUnder.set(day, key);
    }
    const parsed = Array.isArray(ranges) ? ranges.flatMap((r, i) => (typeof r === 'string' ? (parseRange(c, ['weekly', key, i], r, true) ?? []) : [])) : [];
    for (const day of days) weekly[day].push(...parsed);
  }
  for (const day of DAY_NAMES) weekly[day].sort((a, b) => a.start - b.start);
  return weekly;
}

function compileHolidays(c: Checker, value: unknown): Holiday[] {
  if (!Array.isArray(value)) return [];
  const holidays: Holiday[] = [];
  const firstIndex = new Map<string, number>();
  value.forEach((item: unknown, i) => {
    const at: YamlPath = ['holidays', i];
    let holiday: Holiday | null = null;
    if (typeof item === 'string') {
      if (checkDate(c, at, item)) holiday = { date: item };
    } else if (isRecord(item)) {
      for (const key of Object.keys(item)) if (key !== 'date' && key !== 'name') c.reportAt(c.src.keyAt(at, key), `${label(at)}: unknown key '${key}' (known: date, name)`);
      if (item.name !== undefined && typeof item.name !== 'string') c.report([...at, 'name'], `${label(at)}.name: must be a string`);
      if (item.date === undefined) c.report(at, `${label(at)}: missing required key 'date'`);
      else if (typeof item.date !== 'string') c.report([...at, 'date'], `${label(at)}.date: must be a date (YYYY-MM-DD)`);
      else if (checkDate(c, [...at, 'date'], item.date)) holiday = typeof item.name === 'string' ? { date: item.date, name: item.name } : { date: item.date };
    } else c.report(at, `${label(at)}: a holiday is a date (YYYY-MM-DD) or { date, name }`);
    if (!holiday) return;
    const first = firstIndex.get(holiday.date);
    if (first !== undefined) c.report(typeof item === 'string' ? at : [...at, 'date'], `${label(at)}: ${holiday.date} is already a holiday (holidays[${first}])`);
    else firstIndex.set(holiday.date, i);
    holidays.push(holiday);
  });
  return holidays;
}

function compileExceptions(c: Checker, value: unknown): CalendarException[] {
  if (!Array.isArray(value)) return [];
  const exceptions: CalendarException[] = [];
  const firstIndex = new Map<string, number>();
  value.forEach((item: unknown, i) => {
    if (!isRecord(item)) return; // the schema pass reported it
    const at: YamlPath = ['exceptions', i];
    const where = label(at);
    const { name, outcome, date, from, to, hours } = item;
    const manual = item.manual === true;
    if (typeof name === 'string') {
      const first = firstIndex.get(name);
      if (!new RegExp(NAME).test(name)) c.report([...at, 'name'], `${where}.name: '${name}' must start with a letter and use letters, digits, _ or -`);
      // The name is wired as an outcome of the hours node, next to open/closed/holiday.
      else if (RESERVED.has(name)) c.report([...at, 'name'], `${where}.name: '${name}' is an outcome already; pick another name`);
      else if (first !== undefined) c.report([...at, 'name'], `${where}.name: duplicate exception name '${name}' (exceptions[${first}])`);
      else firstIndex.set(name, i);
    }
    if (outcome !== undefined && !RESERVED.has(outcome as string)) c.report([...at, 'outcome'], `${where}.outcome: must be open, closed or holiday`);

    const hasPeriod = from !== undefined || to !== undefined;
    const timeKey = date !== undefined ? 'date' : from !== undefined ? 'from' : 'to';
    if (manual && (date !== undefined || hasPeriod)) {
      c.reportAt(c.src.keyAt(at, timeKey), `${where}: a manual exception has no dates; remove '${timeKey}' or drop manual: true`);
    } else if (date !== undefined && hasPeriod) {
      c.reportAt(c.src.keyAt(at, from !== undefined ? 'from' : 'to'), `${where}: use either date (a whole day) or from/to, not both`);
    } else if (!manual && date === undefined && !hasPeriod) {
      c.report(at, `${where}: needs date, from and to, or manual: true`);
    } else if (hasPeriod && (from === undefined || to === undefined)) {
      c.report(at, `${where}: '${from === undefined ? 'to' : 'from'}' needs '${from === undefined ? 'from' : 'to'}'`);
    }
    if (typeof date === 'string') checkDate(c, [...at, 'date'], date);
    const fromText = typeof from === 'string' ? checkLocalTime(c, [...at, 'from'], from) : null;
    const toText = typeof to === 'string' ? checkLocalTime(c, [...at, 'to'], to) : null;
    if (fromText !== null && toText !== null && toText <= fromText) c.report([...at, 'to'], `${where}.to: ${toText} must be after from (${fromText})`);

    let ranges: TimeRange[] | undefined;
    if (hours !== undefined) {
      if (hasPeriod) c.reportAt(c.src.keyAt(at, 'hours'), `${where}: hours go with date or manual, not with from/to`);
      // Inside the hours the answer is open and outside closed; any other outcome would contradict them.
      if (outcome !== undefined && outcome !== 'open' && RESERVED.has(outcome as string)) c.report([...at, 'outcome'], `${where}.outcome: an exception with hours is open in them and closed outside, so its outcome must be open`);
      if (Array.isArray(hours)) {
        ranges = hours.flatMap((r: unknown, j) => (typeof r === 'string' ? (parseRange(c, [...at, 'hours', j], r, false) ?? []) : []));
        ranges.sort((a, b) => a.start - b.start);
      }
    }
    exceptions.push({
      name: name as string,
      outcome: outcome as CalendarException['outcome'],
      manual,
      ...(fromText !== null && toText !== null ? { from: fromText, to: toText } : {}),
      ...(typeof date === 'string' ? { date } : {}),
      ...(ranges ? { hours: ranges } : {}),
    });
  });
  return exceptions;
}

/** "mon-fri", "sat", "mon,wed-fri"; a range may wrap the week ("fri-mon"). Case does not matter. */
function parseDays(key: string): { days: DayName[]; unknown: string[] } {
  const days: DayName[] = [];
  const unknown: string[] = [];
  const index = (name: string) => DAY_NAMES.indexOf(name.trim().toLowerCase() as DayName);
  for (const part of key.split(',')) {
    const [a = '', b, ...rest] = part.split('-');
    const from = index(a);
    const to = b === undefined ? from : index(b);
    if (from < 0) unknown.push(a.trim());
    if (b !== undefined && to < 0) unknown.push(b.trim());
    if (rest.length > 0) unknown.push(part.trim());
    if (from < 0 || to < 0 || rest.length > 0) continue;
    for (let d = from; ; d = (d + 1) % 7) {
      const day = DAY_NAMES[d];
      if (day && !days.includes(day)) days.push(day);
      if (d === to) break;
    }
  }
  return { days, unknown };
}

/**
 * "HH:MM-HH:MM", end exclusive, 24:00 allowed as an end. An end before the start is an overnight
 * range (weekly only): "22:00-02:00" on sun is open until 02:00 on monday. Errors point at the bad time.
 */
function parseRange(c: Checker, path: YamlPath, text: string, overnight: boolean): TimeRange | null {
  const where = label(path);
  const dash = text.indexOf('-');
  if (dash < 0) {
    c.report(path, `${where}: '${text}' is not a range (HH:MM-HH:MM)`);
    return null;
  }
  const startText = text.slice(0, dash);
  const endText = text.slice(dash + 1);
  const startAt = startText.length - startText.trimStart().length;
  const endAt = dash + 1 + endText.length - endText.trimStart().length;
  const start = parseTime(startText.trim());
  const end = parseTime(endText.trim());
  if (start === null || start === 1440) c.reportAt(c.src.inside(path, startAt), `${where}: '${startText.trim()}' is not a start time (HH:MM, 00:00-23:59)`);
  if (end === null) c.reportAt(c.src.inside(path, endAt), `${where}: '${endText.trim()}' is not a time (HH:MM, 00:00-24:00)`);
  if (start === null || start === 1440 || end === null) return null;
  if (end === start) {
    c.report(path, `${where}: '${text}' is empty; use 00:00-24:00 for a whole day`);
    return null;
  }
  if (end > start) return { start, end };
  if (overnight) return { start, end: end + 1440 };
  c.reportAt(c.src.inside(path, endAt), `${where}: '${text}' ends before it starts; exception hours end the same day (24:00 for midnight)`);
  return null;
}

function parseTime(text: string): number | null {
  const m = /^(\d{1,2}):(\d{2})$/.exec(text);
  if (!m) return null;
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (min > 59 || h > 24 || (h === 24 && min !== 0)) return null;
  return h * 60 + min;
}

function checkDate(c: Checker, path: YamlPath, text: string): boolean {
  if (isDate(text)) return true;
  c.report(path, `${label(path)}: '${text}' is not a date (YYYY-MM-DD)`);
  return false;
}

/** Normalizes "YYYY-MM-DD HH:MM" to the T form, which compares as text with evaluation's wall clock. */
function checkLocalTime(c: Checker, path: YamlPath, text: string): string | null {
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})$/.exec(text);
  const time = m?.[2] !== undefined ? parseTime(m[2]) : null;
  if (m?.[1] !== undefined && isDate(m[1]) && time !== null && time < 1440) return `${m[1]}T${m[2]}`;
  c.report(path, `${label(path)}: '${text}' is not a local date and time (YYYY-MM-DDTHH:MM)`);
  return null;
}

function isDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const d = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === text;
}

// yaml's core schema keeps 2026-12-25 as text, but an explicit !!timestamp tag yields a Date (UTC,
// as written): turn it back into the text the semantic pass expects.
function datesAsText(value: unknown): unknown {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return String(value);
    const iso = value.toISOString();
    return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso.endsWith(':00.000Z') ? iso.slice(0, 16) : iso;
  }
  if (Array.isArray(value)) return value.map(datesAsText);
  if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, datesAsText(v)]));
  return value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

function label(path: YamlPath): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

function article(type: string): string {
  return `${/^[aeiou]/.test(type) ? 'an' : 'a'} ${type}`;
}

function pointerToPath(pointer: string): YamlPath {
  return pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

function sorted(problems: FlowProblem[]): FlowProblem[] {
  const unique = new Map(problems.map((p) => [`${p.line}:${p.col}:${p.message}`, p]));
  return [...unique.values()].sort((a, b) => a.line - b.line || a.col - b.col);
}
