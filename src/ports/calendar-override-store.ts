import type { CalendarOverride } from '../core/calendar/calendar-types.js';

export type { CalendarOverride };

/** One row of the append-only audit log of overrides. */
export interface CalendarOverrideLogEntry {
  id: number;
  calendarId: string;
  action: 'set' | 'cleared';
  /** For 'set' the new state; for 'cleared' the state that was removed. */
  state: string;
  until: number | null;
  reason: string | null;
  /** Who set or cleared it (an API key name), when known. */
  by: string | null;
  at: number;
}

/** Supervisor overrides of business-hours calendars, at most one per calendar. */
export interface CalendarOverrideStore {
  /** Every stored override, expired ones included (the evaluator ignores those), by calendar id. */
  all(): CalendarOverride[];
  /** Replaces the calendar's override and logs 'set', in one transaction. */
  set(override: CalendarOverride): void;
  /** Removes the calendar's override and logs 'cleared', in one transaction; false (and no log) when there was none. */
  clear(calendarId: string, by: string | undefined, at: number): boolean;
  /** The calendar's audit log, newest first. */
  log(calendarId: string, limit: number): CalendarOverrideLogEntry[];
}
