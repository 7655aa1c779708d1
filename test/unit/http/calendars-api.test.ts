import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSqliteCalendarOverrideStore } from '../../../src/adapters/sqlite/sqlite-calendar-override-store.js';
import { createCalendarOverrideService } from '../../../src/services/calendar-override-service.js';
import { bearer, buildTestApp, T0, type TestApp } from './support.js';

const lines = (...l: string[]) => `${l.join('\n')}\n`;
const iso = (ms: number) => new Date(ms).toISOString();
const HOUR = 3_600_000;

// T0 + 90 s (the test app's clock) is Monday 2026-11-23 09:01:30 UTC: the office is open.
const OFFICE = lines(
  'timezone: UTC',
  'weekly:',
  '  mon-fri: ["09:00-17:00"]',
  '  sun: ["22:00-02:00"]',
  'holidays:',
  '  - { date: 2026-12-25, name: Christmas }',
  '  - 2026-12-26',
  'exceptions:',
  '  - name: inventory',
  '    outcome: closed',
  '    date: 2026-11-27',
  '  - name: short-day',
  '    outcome: open',
  '    date: 2026-12-24',
  '    hours: ["10:00-14:00"]',
  '  - name: storm',
  '    outcome: closed',
  '    manual: true',
);
const PARIS = lines('timezone: Europe/Paris', 'weekly:', '  mon-sat: ["08:00-20:00"]');

function seed(dir: string) {
  mkdirSync(join(dir, 'calendars'));
  writeFileSync(join(dir, 'calendars', 'office.yaml'), OFFICE);
  writeFileSync(join(dir, 'calendars', 'paris.yaml'), PARIS);
}

describe('the calendars API', () => {
  let t: TestApp;
  let admin: string;
  let supervisor: string;
  let agent: string;
  let now: number;

  beforeEach(async () => {
    t = await buildTestApp({ seedFlows: seed });
    now = t.clock.now;
    admin = t.keys.create('ops', 'admin', T0).key;
    supervisor = t.keys.create('wallboard', 'supervisor', T0).key;
    agent = t.keys.create('desk 4', 'agent', T0).key;
  });
  afterEach(() => t.close());

  const get = (url: string, key = supervisor) => t.app.inject({ method: 'GET', url, headers: bearer(key) });
  const put = (payload: object, key = admin, id = 'office') => t.app.inject({ method: 'PUT', url: `/api/v1/calendars/${id}/override`, headers: bearer(key), payload });
  const del = (key = admin, id = 'office') => t.app.inject({ method: 'DELETE', url: `/api/v1/calendars/${id}/override`, headers: bearer(key) });

  describe('reading', () => {
    it('given two calendars, when listed, then each says what it is now and when that changes', async () => {
      const res = await get('/api/v1/calendars');
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual([
        { id: 'office', timezone: 'UTC', file: join(t.flowsDir, 'calendars', 'office.yaml'), now: { outcome: 'open', source: 'weekly' }, nextChange: '2026-11-23T17:00:00.000Z', override: null },
        { id: 'paris', timezone: 'Europe/Paris', file: join(t.flowsDir, 'calendars', 'paris.yaml'), now: { outcome: 'open', source: 'weekly' }, nextChange: '2026-11-23T19:00:00.000Z', override: null },
      ]);
    });

    it('given a calendar, when shown, then it has its weekly hours, holidays, exceptions and the states an override may set', async () => {
      const res = await get('/api/v1/calendars/office');
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({
        id: 'office',
        now: { outcome: 'open', source: 'weekly' },
        override: null,
        states: ['open', 'closed', 'holiday', 'inventory', 'short-day', 'storm'],
        weekly: { mon: ['09:00-17:00'], fri: ['09:00-17:00'], sat: [], sun: ['22:00-02:00'] },
        holidays: [{ date: '2026-12-25', name: 'Christmas' }, { date: '2026-12-26' }],
        exceptions: [
          { name: 'inventory', outcome: 'closed', manual: false, date: '2026-11-27' },
          { name: 'short-day', outcome: 'open', manual: false, date: '2026-12-24', hours: ['10:00-14:00'] },
          { name: 'storm', outcome: 'closed', manual: true },
        ],
      });
    });

    it('given an unknown calendar, when shown, overridden, cleared or its log asked, then it is 404', async () => {
      expect((await get('/api/v1/calendars/nope')).json()).toEqual({ code: 'not_found', message: 'calendar not found' });
      expect((await put({ state: 'closed' }, admin, 'nope')).statusCode).toBe(404);
      expect((await del(admin, 'nope')).statusCode).toBe(404);
      expect((await get('/api/v1/calendars/nope/overrides/log')).statusCode).toBe(404);
    });
  });

  describe('roles', () => {
    it('given an agent key, when calendars are read, then it is 403', async () => {
      expect((await get('/api/v1/calendars', agent)).statusCode).toBe(403);
      expect((await get('/api/v1/calendars/office', agent)).statusCode).toBe(403);
      expect((await get('/api/v1/calendars/office/overrides/log', agent)).statusCode).toBe(403);
    });

    it('given an agent key, when it sets or clears an override, then it is 403 and nothing changes', async () => {
      const res = await put({ state: 'closed' }, agent);
      expect(res.statusCode).toBe(403);
      expect((await del(agent)).statusCode).toBe(403);
      expect(t.overrides.current().size).toBe(0);
    });

    // Closing the line for a storm is a supervisor's call on the floor, not an admin task.
    it('given a supervisor key, when it sets and clears an override, then both work and the log names it', async () => {
      expect((await put({ state: 'closed' }, supervisor)).statusCode).toBe(200);
      expect(t.overrides.current().size).toBe(1);
      expect((await del(supervisor)).statusCode).toBe(204);
      expect(t.overrides.current().size).toBe(0);
    });
  });

  describe('overrides', () => {
    it('given an admin, when it sets an exception as override until a time, then the calendar, the runtime cache and the database all have it', async () => {
      const until = T0 + 3 * HOUR;
      const res = await put({ state: 'storm', until: iso(until), reason: 'snow storm' });
      expect(res.statusCode).toBe(200);
      const override = { state: 'storm', until: iso(until), reason: 'snow storm', setBy: 'ops', setAt: iso(now) };
      expect(res.json()).toMatchObject({ id: 'office', now: { outcome: 'closed', source: 'override', exception: 'storm' }, nextChange: iso(until), override });
      expect((await get('/api/v1/calendars')).json<{ id: string; override: unknown }[]>()[0]?.override).toEqual(override);
      // What the call runtime reads on every event, without touching SQLite.
      expect(t.overrides.current().get('office')).toEqual({ calendarId: 'office', state: 'storm', until, reason: 'snow storm', setBy: 'ops', setAt: now });
      // And what the next process loads at startup.
      expect(createCalendarOverrideService(createSqliteCalendarOverrideStore(t.db)).current().get('office')).toMatchObject({ state: 'storm', until });
    });

    it('given an override without until, when set, then it holds until cleared; a second one replaces it', async () => {
      expect((await put({ state: 'closed' })).json()).toMatchObject({ now: { outcome: 'closed', source: 'override' }, override: { state: 'closed', until: null, reason: null } });
      expect((await put({ state: 'open' })).json()).toMatchObject({ now: { outcome: 'open', source: 'override' }, override: { state: 'open' } });
      expect(t.overrides.current().get('office')?.state).toBe('open');
    });

    it('given a state the calendar does not have, when set, then it is 400 with the allowed states', async () => {
      const res = await put({ state: 'lunch' });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toEqual({
        code: 'bad_request',
        message: "state 'lunch' is not one of open, closed, holiday, inventory, short-day, storm",
        details: { allowed: ['open', 'closed', 'holiday', 'inventory', 'short-day', 'storm'] },
      });
      expect((await put({ state: 'storm' }, admin, 'paris')).json()).toMatchObject({ code: 'bad_request', details: { allowed: ['open', 'closed', 'holiday'] } });
    });

    it.each([
      ['until in the past', { state: 'closed', until: iso(T0) }, 'until must be in the future'],
      ['until now', { state: 'closed', until: iso(T0 + 90_000) }, 'until must be in the future'],
      ['until not a date-time', { state: 'closed', until: 'tomorrow' }, 'invalid body'],
      ['a reason over 200 characters', { state: 'closed', reason: 'x'.repeat(201) }, 'invalid body'],
      ['no state', { reason: 'why' }, 'invalid body'],
      ['an unknown key', { state: 'closed', by: 'me' }, 'invalid body'],
    ])('given %s, when set, then it is 400 and nothing is stored', async (_what, body, message) => {
      const res = await put(body);
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ code: 'bad_request', message: expect.stringContaining(message) as string });
      expect(t.overrides.current().size).toBe(0);
    });

    it('given an override, when its until passes, then the calendar decides again', async () => {
      await put({ state: 'closed', until: iso(T0 + HOUR) });
      t.clock.now = T0 + 2 * HOUR;
      expect((await get('/api/v1/calendars/office')).json()).toMatchObject({ now: { outcome: 'open', source: 'weekly' }, override: null });
    });

    it('given an override, when an admin clears it, then it is 204, gone everywhere, and clearing again is 404', async () => {
      await put({ state: 'storm', reason: 'snow' });
      const res = await del();
      expect(res.statusCode).toBe(204);
      expect(res.body).toBe('');
      expect(t.overrides.current().has('office')).toBe(false);
      expect((await get('/api/v1/calendars/office')).json()).toMatchObject({ now: { outcome: 'open', source: 'weekly' }, override: null });
      const again = await del();
      expect(again.statusCode).toBe(404);
      expect(again.json()).toEqual({ code: 'not_found', message: 'override not found' });
    });

    it('given overrides set and cleared, when the log is asked by a supervisor, then every change is there, newest first, with who did it', async () => {
      await put({ state: 'storm', until: iso(T0 + HOUR), reason: 'snow' });
      t.clock.now += 60_000;
      await del();
      const res = await get('/api/v1/calendars/office/overrides/log');
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual([
        { id: 2, action: 'cleared', state: 'storm', until: iso(T0 + HOUR), reason: 'snow', by: 'ops', at: iso(now + 60_000) },
        { id: 1, action: 'set', state: 'storm', until: iso(T0 + HOUR), reason: 'snow', by: 'ops', at: iso(now) },
      ]);
      expect((await get('/api/v1/calendars/office/overrides/log?limit=1')).json()).toHaveLength(1);
      expect((await get('/api/v1/calendars/paris/overrides/log')).json()).toEqual([]);
    });
  });
});
