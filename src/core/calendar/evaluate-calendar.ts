import { IANAZone } from 'luxon';
import {
  DAY_NAMES,
  HOURS_OUTCOMES,
  type Calendar,
  type CalendarException,
  type CalendarOverride,
  type HoursOutcome,
  type HoursResult,
  type TimeRange,
} from './calendar-types.js';

// "Open" means the local wall clock of the instant reads a time inside a range, the way a sign on
// the door (and Asterisk's GotoIfTime) works. That keeps 08:00-18:00 right on DST days without
// converting ranges to instants. Two consequences, both rare in business hours: in the spring gap
// a range starting inside it opens when the clock jumps; in the repeated fall-back hour a
// boundary inside 01:00-02:00 is crossed twice, like the wall clock itself.

const MINUTE = 60_000;
const DAY = 1440 * MINUTE;
const HORIZON = 14 * DAY;

interface WallClock {
  /** YYYY-MM-DD */
  date: string;
  /** YYYY-MM-DDTHH:MM, comparable as text with exception periods. */
  stamp: string;
  /** 0 = Monday */
  day: number;
  minute: number;
}

/** Open, closed or holiday at `atMs`: manual override > dated exception > holiday > weekly. */
export function evaluateCalendar(cal: Calendar, atMs: number, override?: CalendarOverride | null): HoursResult {
  const wall = wallClock(cal.timezone, atMs);
  return fromOverride(cal, atMs, wall, override) ?? fromExceptions(cal, wall) ?? fromHoliday(cal, wall) ?? fromWeekly(cal, wall);
}

/** Next time (epoch ms) the result changes, or null if never within 14 days (used to tell callers when we open; optional but nice). */
export function nextChange(cal: Calendar, atMs: number, override?: CalendarOverride | null): number | null {
  const now = evaluateCalendar(cal, atMs, override);
  return firstCandidate(cal, atMs, override, (r) => !sameResult(r, now));
}

/** When the calendar is next open: `atMs` if it is open now, else the first instant within 14 days, else null. */
export function nextOpening(cal: Calendar, atMs: number, override?: CalendarOverride | null): number | null {
  if (evaluateCalendar(cal, atMs, override).outcome === 'open') return atMs;
  return firstCandidate(cal, atMs, override, (r) => r.outcome === 'open');
}

function fromOverride(cal: Calendar, atMs: number, wall: WallClock, override: CalendarOverride | null | undefined): HoursResult | null {
  if (!override || override.calendarId !== cal.id) return null;
  if (override.until !== null && override.until <= atMs) return null;
  if ((HOURS_OUTCOMES as readonly string[]).includes(override.state)) return { outcome: override.state as HoursOutcome, source: 'override' };
  const exception = cal.exceptions.find((e) => e.name === override.state);
  // The API validates the state; one that no longer exists (calendar edited since) must not close the line.
  if (!exception) return null;
  return { outcome: exceptionOutcome(exception, wall), exception: exception.name, source: 'override' };
}

function fromExceptions(cal: Calendar, wall: WallClock): HoursResult | null {
  // File order decides between overlapping exceptions: the first one listed wins.
  for (const e of cal.exceptions) {
    if (e.manual) continue;
    const active = e.date !== undefined ? e.date === wall.date : e.from !== undefined && e.to !== undefined && e.from <= wall.stamp && wall.stamp < e.to;
    if (active) return { outcome: exceptionOutcome(e, wall), exception: e.name, source: 'exception' };
  }
  return null;
}

function fromHoliday(cal: Calendar, wall: WallClock): HoursResult | null {
  const holiday = cal.holidays.find((h) => h.date === wall.date);
  return holiday ? { outcome: 'holiday', source: 'holiday', holiday: holiday.name ?? holiday.date } : null;
}

function fromWeekly(cal: Calendar, wall: WallClock): HoursResult {
  const today = cal.weekly[DAY_NAMES[wall.day] ?? 'mon'];
  const yesterday = cal.weekly[DAY_NAMES[(wall.day + 6) % 7] ?? 'sun'];
  const open = inRanges(today, wall.minute) || yesterday.some((r) => r.end > 1440 && wall.minute + 1440 < r.end);
  return { outcome: open ? 'open' : 'closed', source: 'weekly' };
}

function exceptionOutcome(e: CalendarException, wall: WallClock): HoursOutcome {
  if (!e.hours) return e.outcome;
  return inRanges(e.hours, wall.minute) ? 'open' : 'closed';
}

function inRanges(ranges: TimeRange[], minute: number): boolean {
  return ranges.some((r) => r.start <= minute && minute < r.end);
}

function wallClock(timezone: string, atMs: number): WallClock {
  const local = new Date(atMs + IANAZone.create(timezone).offset(atMs) * MINUTE);
  const iso = local.toISOString();
  return {
    date: iso.slice(0, 10),
    stamp: iso.slice(0, 16),
    day: (local.getUTCDay() + 6) % 7,
    minute: local.getUTCHours() * 60 + local.getUTCMinutes(),
  };
}

function sameResult(a: HoursResult, b: HoursResult): boolean {
  return a.outcome === b.outcome && a.source === b.source && a.exception === b.exception && a.holiday === b.holiday;
}

// The result can only change where the wall clock crosses a boundary written in the calendar, where
// the zone's offset changes, or when the override expires. Listing those instants and evaluating
// each is exact and costs a few hundred evaluations, where stepping minute by minute would cost 20k.
function firstCandidate(
  cal: Calendar,
  atMs: number,
  override: CalendarOverride | null | undefined,
  matches: (r: HoursResult) => boolean,
): number | null {
  for (const t of candidates(cal, atMs, override)) {
    if (matches(evaluateCalendar(cal, t, override))) return t;
  }
  return null;
}

function candidates(cal: Calendar, atMs: number, override: CalendarOverride | null | undefined): number[] {
  const zone = IANAZone.create(cal.timezone);
  const end = atMs + HORIZON;
  const transitions = offsetTransitions(zone, atMs, end);
  const offsets = new Set([zone.offset(atMs), ...transitions.map((t) => zone.offset(t))]);

  const wallTimes: number[] = [];
  const minutes = new Set([0, ...boundaryMinutes(cal)]);
  const firstDay = Date.parse(`${wallClock(cal.timezone, atMs).date}T00:00Z`) - DAY;
  for (let day = firstDay; day <= firstDay + HORIZON + 2 * DAY; day += DAY) {
    for (const m of minutes) wallTimes.push(day + m * MINUTE);
  }
  for (const e of cal.exceptions) {
    if (e.from !== undefined) wallTimes.push(Date.parse(`${e.from}Z`));
    if (e.to !== undefined) wallTimes.push(Date.parse(`${e.to}Z`));
  }

  // A wall time happens at (wall - offset) for whichever offset is in force then; trying every
  // offset seen in the window is a superset, and evaluating a spurious instant is harmless.
  const found = new Set<number>(transitions);
  for (const w of wallTimes) for (const o of offsets) found.add(w - o * MINUTE);
  if (override && override.until !== null) found.add(override.until);
  return [...found].filter((t) => t > atMs && t <= end).sort((a, b) => a - b);
}

function boundaryMinutes(cal: Calendar): number[] {
  const ranges = [...Object.values(cal.weekly).flat(), ...cal.exceptions.flatMap((e) => e.hours ?? [])];
  return ranges.flatMap((r) => [r.start % 1440, r.end % 1440]);
}

/** First millisecond of each new UTC offset in (from, to]; sampling every 6 hours is safe because no zone changes offset twice in 6 hours. */
function offsetTransitions(zone: IANAZone, from: number, to: number): number[] {
  const found: number[] = [];
  const STEP = 6 * 60 * MINUTE;
  for (let t = from; t < to; t += STEP) {
    const next = Math.min(t + STEP, to);
    if (zone.offset(t) === zone.offset(next)) continue;
    let lo = t;
    let hi = next;
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (zone.offset(mid) === zone.offset(t)) lo = mid;
      else hi = mid;
    }
    found.push(hi);
  }
  return found;
}
