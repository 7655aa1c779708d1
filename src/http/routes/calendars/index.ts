import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { DAY_NAMES, type Calendar, type CalendarOverride, type TimeRange } from '../../../core/calendar/calendar-types.js';
import { evaluateCalendar, nextChange } from '../../../core/calendar/evaluate-calendar.js';
import { OverrideError, overrideStates, type CalendarOverrideService } from '../../../services/calendar-override-service.js';
import { bearerSecurity } from '../../plugins/auth.js';
import { ApiError, notFound } from '../../plugins/error-handler.js';
import { errorResponses, ErrorSchema } from '../../schemas.js';
import {
  CalendarDetailSchema,
  CalendarParams,
  CalendarSummarySchema,
  OverrideBody,
  OverrideLogQuery,
  OverrideLogSchema,
} from './schemas.js';

/** The calendars the flows use (from the flow catalog). */
export interface CalendarSource {
  calendar(id: string): Calendar | undefined;
  calendars(): Calendar[];
}

const iso = (ms: number) => new Date(ms).toISOString();
const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));

const overrideToApi = (o: CalendarOverride) => ({
  state: o.state,
  until: isoOrNull(o.until),
  reason: o.reason ?? null,
  setBy: o.setBy ?? null,
  setAt: iso(o.setAt),
});

const clock = (minute: number) => `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
/** As written: an overnight range's end (past 1440) reads as the next day's time. */
const rangeText = (r: TimeRange) => `${clock(r.start)}-${clock(r.end > 1440 ? r.end - 1440 : r.end)}`;

export const calendarRoutes = (source: CalendarSource, overrides: CalendarOverrideService, now: () => number): FastifyPluginAsyncTypebox => async (app) => {
  const summary = (cal: Calendar, at: number) => {
    const override = overrides.active(cal.id, at);
    const changes = nextChange(cal, at, override);
    return {
      id: cal.id,
      timezone: cal.timezone,
      file: cal.file,
      now: evaluateCalendar(cal, at, override),
      nextChange: isoOrNull(changes),
      override: override ? overrideToApi(override) : null,
    };
  };
  const detail = (cal: Calendar, at: number) => ({
    ...summary(cal, at),
    states: overrideStates(cal),
    weekly: Object.fromEntries(DAY_NAMES.map((day) => [day, cal.weekly[day].map(rangeText)])),
    holidays: cal.holidays.map((h) => ({ date: h.date, ...(h.name !== undefined ? { name: h.name } : {}) })),
    exceptions: cal.exceptions.map((e) => ({
      name: e.name,
      outcome: e.outcome,
      manual: e.manual,
      ...(e.date !== undefined ? { date: e.date } : {}),
      ...(e.from !== undefined ? { from: e.from } : {}),
      ...(e.to !== undefined ? { to: e.to } : {}),
      ...(e.hours ? { hours: e.hours.map(rangeText) } : {}),
    })),
  });
  const calendarOr404 = (id: string): Calendar => {
    const cal = source.calendar(id);
    if (!cal) throw notFound('calendar');
    return cal;
  };
  const notFoundErrors = { 404: ErrorSchema, ...errorResponses };

  app.get(
    '/calendars',
    {
      config: { role: 'supervisor' },
      schema: {
        tags: ['calendars'],
        summary: 'Business-hours calendars: open, closed or holiday now (override included) and when that changes',
        security: bearerSecurity,
        response: { 200: Type.Array(CalendarSummarySchema), ...errorResponses },
      },
    },
    async () => {
      const at = now();
      return source.calendars().sort((a, b) => a.id.localeCompare(b.id)).map((cal) => summary(cal, at));
    },
  );

  app.get(
    '/calendars/:id',
    {
      config: { role: 'supervisor' },
      schema: {
        tags: ['calendars'],
        summary: 'One calendar: state now, override, weekly hours, holidays, exceptions and the states an override may set',
        security: bearerSecurity,
        params: CalendarParams,
        response: { 200: CalendarDetailSchema, ...notFoundErrors },
      },
    },
    async (request) => detail(calendarOr404(request.params.id), now()),
  );

  app.put(
    '/calendars/:id/override',
    {
      config: { role: 'supervisor' },
      schema: {
        tags: ['calendars'],
        summary: 'Override the calendar ("closed today") until a time or until cleared; calls see it at once',
        security: bearerSecurity,
        params: CalendarParams,
        body: OverrideBody,
        response: { 200: CalendarDetailSchema, ...notFoundErrors },
      },
    },
    async (request) => {
      const cal = calendarOr404(request.params.id);
      const at = now();
      const { state, until, reason } = request.body;
      try {
        overrides.set(
          cal,
          { state, ...(until !== undefined ? { until: Date.parse(until) } : {}), ...(reason !== undefined ? { reason } : {}) },
          request.apiKey?.name,
          at,
        );
      } catch (err) {
        if (err instanceof OverrideError) throw new ApiError(400, 'bad_request', err.message, err.details);
        throw err;
      }
      return detail(cal, at);
    },
  );

  app.delete(
    '/calendars/:id/override',
    {
      config: { role: 'supervisor' },
      schema: {
        tags: ['calendars'],
        summary: 'Clear the calendar override; the calendar decides again',
        security: bearerSecurity,
        params: CalendarParams,
        response: { 204: Type.Null(), ...notFoundErrors },
      },
    },
    async (request, reply) => {
      const cal = calendarOr404(request.params.id);
      if (!overrides.clear(cal.id, request.apiKey?.name, now())) throw notFound('override');
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/calendars/:id/overrides/log',
    {
      config: { role: 'supervisor' },
      schema: {
        tags: ['calendars'],
        summary: 'Who set and cleared overrides of the calendar, newest first',
        security: bearerSecurity,
        params: CalendarParams,
        querystring: OverrideLogQuery,
        response: { 200: OverrideLogSchema, ...notFoundErrors },
      },
    },
    async (request) => {
      const cal = calendarOr404(request.params.id);
      return overrides.log(cal.id, request.query.limit).map((e) => ({
        id: e.id,
        action: e.action,
        state: e.state,
        until: isoOrNull(e.until),
        reason: e.reason,
        by: e.by,
        at: iso(e.at),
      }));
    },
  );
};
