import type { CalendarOverride } from '../../core/calendar/calendar-types.js';
import type { CalendarOverrideLogEntry, CalendarOverrideStore } from '../../ports/calendar-override-store.js';
import type { Db } from './database.js';

interface OverrideRow { calendar_id: string; state: string; until: number | null; reason: string | null; set_by: string | null; set_at: number }
interface LogRow { id: number; calendar_id: string; action: string; state: string; until: number | null; reason: string | null; set_by: string | null; at: number }

function toOverride(r: OverrideRow): CalendarOverride {
  return {
    calendarId: r.calendar_id,
    state: r.state,
    until: r.until,
    ...(r.reason !== null ? { reason: r.reason } : {}),
    ...(r.set_by !== null ? { setBy: r.set_by } : {}),
    setAt: r.set_at,
  };
}

const toLogEntry = (r: LogRow): CalendarOverrideLogEntry => ({
  id: r.id, calendarId: r.calendar_id, action: r.action as CalendarOverrideLogEntry['action'], state: r.state, until: r.until, reason: r.reason, by: r.set_by, at: r.at,
});

export function createSqliteCalendarOverrideStore(db: Db): CalendarOverrideStore {
  const all = db.prepare('SELECT * FROM calendar_overrides ORDER BY calendar_id');
  const one = db.prepare('SELECT * FROM calendar_overrides WHERE calendar_id = ?');
  const upsert = db.prepare(`INSERT INTO calendar_overrides (calendar_id, state, until, reason, set_by, set_at)
    VALUES (@calendarId, @state, @until, @reason, @setBy, @at)
    ON CONFLICT (calendar_id) DO UPDATE SET state = excluded.state, until = excluded.until, reason = excluded.reason, set_by = excluded.set_by, set_at = excluded.set_at`);
  const remove = db.prepare('DELETE FROM calendar_overrides WHERE calendar_id = ?');
  const insertLog = db.prepare(`INSERT INTO calendar_override_log (calendar_id, action, state, until, reason, set_by, at)
    VALUES (@calendarId, @action, @state, @until, @reason, @setBy, @at)`);
  const logOf = db.prepare('SELECT * FROM calendar_override_log WHERE calendar_id = ? ORDER BY id DESC LIMIT ?');

  const set = db.transaction((o: CalendarOverride) => {
    const row = { calendarId: o.calendarId, state: o.state, until: o.until, reason: o.reason ?? null, setBy: o.setBy ?? null, at: o.setAt };
    upsert.run(row);
    insertLog.run({ ...row, action: 'set' });
  });

  // The log row for a clear keeps what was cleared (state, until, reason) and who cleared it.
  const clear = db.transaction((calendarId: string, by: string | undefined, at: number): boolean => {
    const current = one.get(calendarId) as OverrideRow | undefined;
    if (!current) return false;
    remove.run(calendarId);
    insertLog.run({ calendarId, action: 'cleared', state: current.state, until: current.until, reason: current.reason, setBy: by ?? null, at });
    return true;
  });

  return {
    all: () => (all.all() as OverrideRow[]).map(toOverride),
    set: (o) => set(o),
    clear: (calendarId, by, at) => clear(calendarId, by, at),
    log: (calendarId, limit) => (logOf.all(calendarId, limit) as LogRow[]).map(toLogEntry),
  };
}
