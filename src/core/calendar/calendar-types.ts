// Business-hours calendars as the `hours` node sees them, after the loader resolved the file.
// All times are local wall-clock times in the calendar's zone, kept as written: evaluation reads
// the wall clock of the instant, so DST never shifts "08:00-18:00" (see evaluate-calendar.ts).

export type HoursOutcome = 'open' | 'closed' | 'holiday';

export const HOURS_OUTCOMES: readonly HoursOutcome[] = ['open', 'closed', 'holiday'];

/** ISO weekday order (luxon's 1..7 minus one), so index = weekday - 1. */
export const DAY_NAMES = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type DayName = (typeof DAY_NAMES)[number];

/**
 * Minutes after local midnight, end exclusive. An end past 1440 runs into the next day, which is
 * how an overnight range ("22:00-02:00") keeps belonging to the day it starts on.
 */
export interface TimeRange {
  start: number;
  end: number;
}

export type WeeklyHours = Record<DayName, TimeRange[]>;

export interface Holiday {
  /** Local date, YYYY-MM-DD. */
  date: string;
  name?: string;
}

export interface CalendarException {
  name: string;
  /** What the exception means when the flow does not wire its name (with `hours`: always 'open'). */
  outcome: HoursOutcome;
  /** Only active while a supervisor override names it; such exceptions have no dates. */
  manual: boolean;
  /** Local period 'YYYY-MM-DDTHH:MM', `to` exclusive. */
  from?: string;
  to?: string;
  /** A whole local day, YYYY-MM-DD. */
  date?: string;
  /** Open hours on `date` (or on the current day when switched on manually); closed outside them. */
  hours?: TimeRange[];
}

export interface Calendar {
  id: string;
  timezone: string;
  weekly: WeeklyHours;
  holidays: Holiday[];
  exceptions: CalendarException[];
  /** content hash for versioning */
  sha256: string;
  file: string;
}

/** Set over the HTTP API by a supervisor ("closed today"); persisted elsewhere. */
export interface CalendarOverride {
  calendarId: string;
  /** open | closed | holiday | the name of one of the calendar's exceptions */
  state: string;
  /** epoch ms; null = until cleared */
  until: number | null;
  reason?: string;
  setBy?: string;
  setAt: number;
}

export type HoursSource = 'override' | 'exception' | 'holiday' | 'weekly';

export interface HoursResult {
  outcome: HoursOutcome;
  /** name of the exception (dated or manual) that decided it */
  exception?: string;
  /** 'override' | 'exception' | 'holiday' | 'weekly' */
  source: HoursSource;
  /** The holiday's name, or its date when it has none (so prompts and logs always have one). */
  holiday?: string;
}
