import { DateTime } from 'luxon';
import type { ExprScope } from '../expr/expression.js';
import type { IvrState } from './ivr-state.js';

/** What expressions and templates can read: caller, call, vars, input, response, http, queue, now. */
export function callScope(ivr: IvrState, callId: string, at: number): ExprScope {
  const frame = ivr.frames[ivr.frames.length - 1];
  const timezone = frame?.flow.timezone ?? 'UTC';
  const now = DateTime.fromMillis(at, { zone: timezone });
  return {
    caller: { number: ivr.call.callerNumber, name: ivr.call.callerName },
    call: {
      id: callId,
      dialed: ivr.call.dialed,
      direction: ivr.call.direction,
      locale: ivr.locale,
      flow: frame?.flow.id ?? '',
      startedAt: ivr.startedAt,
      tags: ivr.tags,
    },
    vars: frame?.vars ?? {},
    input: ivr.input,
    response: ivr.response ?? {},
    http: ivr.http,
    queue: ivr.queue,
    now: {
      epochMs: at,
      iso: now.toISO(),
      date: now.toISODate(),
      time: now.toFormat('HH:mm'),
      hour: now.hour,
      minute: now.minute,
      weekday: now.weekday,
      timezone,
    },
  };
}
