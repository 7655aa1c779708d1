import { HOURS_OUTCOMES, type Calendar, type CalendarOverride } from '../core/calendar/calendar-types.js';
import type { CalendarOverrideLogEntry, CalendarOverrideStore } from '../ports/calendar-override-store.js';

// Supervisor overrides of business-hours calendars ("closed today"). The store (SQLite) is the
// record; this keeps every override in memory too, because the call runtime reads them on every
// call event and must not query the database for that. Writes go to the store first, then replace
// the in-memory map, so the cache never holds what the store refused. The map is replaced, never
// mutated, so a reader holding one sees a consistent set.

export class OverrideError extends Error {
  constructor(
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'OverrideError';
  }
}

export interface OverrideInput {
  state: string;
  /** epoch ms; absent = until cleared */
  until?: number;
  reason?: string;
}

export interface CalendarOverrideService {
  /** Every stored override by calendar id, expired ones included (the evaluator ignores those). */
  current(): ReadonlyMap<string, CalendarOverride>;
  /** The calendar's override if it is in force at `at`, else null. */
  active(calendarId: string, at: number): CalendarOverride | null;
  /** Validates against the calendar, stores, logs and caches. Throws OverrideError when invalid. */
  set(calendar: Calendar, input: OverrideInput, by: string | undefined, at: number): CalendarOverride;
  /** Removes the calendar's override (logged); false when it had none. */
  clear(calendarId: string, by: string | undefined, at: number): boolean;
  /** The calendar's audit log, newest first. */
  log(calendarId: string, limit: number): CalendarOverrideLogEntry[];
}

/** What an override of this calendar may say: open, closed, holiday or one of its exceptions' names. */
export function overrideStates(calendar: Calendar): string[] {
  return [...HOURS_OUTCOMES, ...calendar.exceptions.map((e) => e.name)];
}

export function createCalendarOverrideService(store: CalendarOverrideStore): CalendarOverrideService {
  let cache: ReadonlyMap<string, CalendarOverride> = new Map(store.all().map((o) => [o.calendarId, o]));

  return {
    current: () => cache,
    active: (calendarId, at) => {
      const o = cache.get(calendarId);
      return o && (o.until === null || o.until > at) ? o : null;
    },
    set: (calendar, input, by, at) => {
      const allowed = overrideStates(calendar);
      if (!allowed.includes(input.state)) {
        throw new OverrideError(`state '${input.state}' is not one of ${allowed.join(', ')}`, { allowed });
      }
      if (input.until !== undefined && input.until <= at) {
        throw new OverrideError(`until must be in the future (now is ${new Date(at).toISOString()})`);
      }
      const override: CalendarOverride = {
        calendarId: calendar.id,
        state: input.state,
        until: input.until ?? null,
        ...(input.reason !== undefined ? { reason: input.reason } : {}),
        ...(by !== undefined ? { setBy: by } : {}),
        setAt: at,
      };
      store.set(override);
      cache = new Map([...cache, [calendar.id, override]]);
      return override;
    },
    clear: (calendarId, by, at) => {
      if (!store.clear(calendarId, by, at)) return false;
      const next = new Map(cache);
      next.delete(calendarId);
      cache = next;
      return true;
    },
    log: (calendarId, limit) => store.log(calendarId, limit),
  };
}
