import type { AgentSpan, JournalRow, Miss, Visit, VisitOutcome } from './stats-types.js';

// The fold from journal rows to facts, one row at a time. It never keeps state of its own: what it
// needs to know about the past comes in `ProjectionContext`, read from the projection itself (the
// SQLite store) or from memory (a replay). Both paths run this same function, so the projection
// kept up to date row by row equals a replay of the journal by construction.

export interface ProjectionContext {
  /** Every visit of row.interactionId so far, in order. */
  visits: Visit[];
  /** row.agentId's open status span, if any. */
  openSpan: AgentSpan | null;
  /** row.agentId's visits whose wrap-up has begun and not been seen to end. */
  openWrapUps: Visit[];
}

export interface ProjectionChange {
  /** Visits to insert or replace (key: interactionId + visit). */
  visits: Visit[];
  /** Spans to insert or replace (key: agentId + openedSeq). */
  spans: AgentSpan[];
  misses: Miss[];
}

export interface ContextNeeds {
  visits: boolean;
  openSpan: boolean;
  openWrapUps: boolean;
}

const AGENT_STATUS = new Set(['acd.agent.login', 'acd.agent.logout', 'acd.agent.paused', 'acd.agent.unpaused']);
const VISIT_ROWS = new Set([
  'acd.enqueued', 'acd.full', 'acd.overflow', 'acd.noAgents', 'acd.timeout', 'acd.abandoned', 'acd.left', 'acd.offer.answered',
  'acd.offer.missed', 'acd.ended', 'acd.adopted', 'acd.wrapup.started', 'acd.wrapup.ended', 'acd.transferred',
  'acd.callback.connected', 'acd.callback.noAnswer', 'acd.callback.failed', 'acd.callback.expired',
]);

/** What the context must hold for this row; everything else is left empty (and costs no query). */
export function contextNeeds(row: JournalRow): ContextNeeds {
  return {
    visits: row.interactionId !== null && VISIT_ROWS.has(row.type),
    openSpan: row.agentId !== null && AGENT_STATUS.has(row.type),
    openWrapUps: row.agentId !== null && row.type === 'acd.wrapup.extended',
  };
}

/** Rows the fold reads data from; the others need no JSON parsing (a replay skips it). */
export const ROWS_WITH_DATA = new Set(['acd.enqueued', 'acd.overflow', 'acd.left', 'acd.adopted', 'acd.wrapup.started', 'acd.wrapup.extended', 'acd.agent.paused']);

const TRANSFERRED_ID = /\.t\d+$/;
const CALLBACK_ID = /\.cb\d+$/;
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

function newVisit(row: JournalRow, queueId: string, visit: number, waitStart: number, overflowIn: boolean): Visit {
  const id = row.interactionId!;
  return {
    interactionId: id, visit, queueId, channel: CALLBACK_ID.test(id) ? 'callback' : 'voice', callId: row.callId,
    enteredAt: row.at, waitStart, ewtSec: null, ewtAt: null, overflowIn, transferIn: TRANSFERRED_ID.test(id),
    outcome: null, outcomeAt: null, agentId: null, answeredAt: null, endedAt: null, wrapStart: null, wrapEnd: null, wrapFinal: false,
    misses: 0, transferOut: false, callbackResult: null,
  };
}

const close = (v: Visit, outcome: VisitOutcome, at: number): Visit => ({ ...v, outcome, outcomeAt: at });
const isOpen = (v: Visit | undefined): v is Visit => v !== undefined && v.outcome === null;
/** The visit an agent talked in (an interaction is answered at most once: a transfer starts a new one). */
const answeredVisit = (visits: Visit[]) => [...visits].reverse().find((v) => v.outcome === 'answered');

const none = (): ProjectionChange => ({ visits: [], spans: [], misses: [] });
const visits = (...list: Visit[]): ProjectionChange => ({ visits: list, spans: [], misses: [] });

/** A caller's wait ends in the queue they are in, or, with no open visit (a journal gap), in a visit made for it. */
function endWait(row: JournalRow, ctx: ProjectionContext, outcome: VisitOutcome): ProjectionChange {
  const last = ctx.visits.at(-1);
  const queueId = row.queueId ?? last?.queueId;
  if (isOpen(last) && (row.queueId === null || last.queueId === row.queueId)) return visits(close(last, outcome, row.at));
  if (queueId === undefined) return none();
  return visits(close(newVisit(row, queueId, ctx.visits.length, row.at, false), outcome, row.at));
}

function enqueued(row: JournalRow, ctx: ProjectionContext): ProjectionChange {
  const queueId = row.queueId;
  if (queueId === null) return none();
  const last = ctx.visits.at(-1);
  const predicted = (v: Visit): Visit => (v.ewtAt !== null ? v : { ...v, ewtSec: num(row.data.ewtSec), ewtAt: row.at });
  if (isOpen(last)) {
    // The same queue again: a restart re-entering the caller (or the row closing an overflow at
    // entry). The first estimate stands; the wait goes on from where it began.
    if (last.queueId === queueId) return last.ewtAt !== null ? none() : visits(predicted(last));
    return visits(close(last, 'overflow', row.at), predicted(newVisit(row, queueId, ctx.visits.length, last.waitStart, true)));
  }
  return visits(predicted(newVisit(row, queueId, ctx.visits.length, row.at, false)));
}

function overflow(row: JournalRow, ctx: ProjectionContext): ProjectionChange {
  const to = str(row.data.to);
  if (to === null) return none();
  const last = ctx.visits.at(-1);
  // At entry the source visit was just closed `full`; after a wait it is open: either way it ends here.
  const from = last && (last.outcome === null || last.outcome === 'full') ? close(last, 'overflow', row.at) : undefined;
  const next = newVisit(row, to, ctx.visits.length, last?.waitStart ?? row.at, true);
  return from ? visits(from, next) : visits(next);
}

function answered(row: JournalRow, ctx: ProjectionContext, at: number): ProjectionChange {
  const last = ctx.visits.at(-1);
  const agentId = row.agentId;
  if (isOpen(last)) return visits({ ...close(last, 'answered', at), agentId, answeredAt: at });
  if (row.queueId === null || answeredVisit(ctx.visits)) return none();
  // Adopted after a restart with no trace of the wait: it began no later than the answer.
  return visits({ ...close(newVisit(row, row.queueId, ctx.visits.length, at, false), 'answered', at), agentId, answeredAt: at });
}

function onAnswered(row: JournalRow, ctx: ProjectionContext, update: (v: Visit) => Visit | null): ProjectionChange {
  const v = answeredVisit(ctx.visits);
  const next = v ? update(v) : null;
  return next ? visits(next) : none();
}

function onLast(ctx: ProjectionContext, update: (v: Visit) => Visit): ProjectionChange {
  const last = ctx.visits.at(-1);
  return last ? visits(update(last)) : none();
}

function agentStatus(row: JournalRow, ctx: ProjectionContext): ProjectionChange {
  const agentId = row.agentId!;
  const spans: AgentSpan[] = ctx.openSpan ? [{ ...ctx.openSpan, end: row.at }] : [];
  const open = (status: AgentSpan['status'], reason: string | null, productive: boolean) =>
    spans.push({ agentId, openedSeq: row.seq, start: row.at, end: null, status, reason, productive });
  if (row.type === 'acd.agent.login' || row.type === 'acd.agent.unpaused') open('available', null, false);
  else if (row.type === 'acd.agent.paused') open('paused', str(row.data.reason), row.data.productive === true);
  return { visits: [], spans, misses: [] };
}

const LEFT_OUTCOME: Record<string, VisitOutcome> = { withdrawn: 'callback', option: 'option', abandoned: 'abandoned' };

/** The facts one journal row changes, given what the projection holds before it. */
export function project(row: JournalRow, ctx: ProjectionContext): ProjectionChange {
  if (AGENT_STATUS.has(row.type)) return row.agentId === null ? none() : agentStatus(row, ctx);
  if (row.type === 'acd.wrapup.extended') {
    const until = num(row.data.until);
    return until === null ? none() : visits(...ctx.openWrapUps.map((v) => ({ ...v, wrapEnd: until })));
  }
  if (row.interactionId === null) return none();
  switch (row.type) {
    case 'acd.enqueued':
      return enqueued(row, ctx);
    case 'acd.full':
      return endWait(row, ctx, 'full');
    case 'acd.overflow':
      return overflow(row, ctx);
    case 'acd.noAgents':
      return endWait(row, ctx, 'noAgents');
    case 'acd.timeout':
      return endWait(row, ctx, 'timeout');
    case 'acd.abandoned':
      return endWait(row, ctx, 'abandoned');
    case 'acd.left':
      // withdrawn is how a caller leaves the line for a callback (acd-voice-legs withdraw).
      return endWait(row, ctx, LEFT_OUTCOME[String(row.data.reason)] ?? 'option');
    case 'acd.offer.answered':
      return answered(row, ctx, row.at);
    case 'acd.adopted':
      return answered(row, ctx, num(row.data.connectedAt) ?? row.at);
    case 'acd.offer.missed': {
      const change = onLast(ctx, (v) => ({ ...v, misses: v.misses + 1 }));
      if (row.agentId !== null) change.misses.push({ seq: row.seq, at: row.at, agentId: row.agentId, queueId: row.queueId, interactionId: row.interactionId });
      return change;
    }
    case 'acd.ended':
      return onAnswered(row, ctx, (v) => (v.endedAt === null ? { ...v, endedAt: row.at } : null));
    case 'acd.wrapup.started':
      return onAnswered(row, ctx, (v) => ({ ...v, wrapStart: row.at, wrapEnd: num(row.data.until) ?? row.at, wrapFinal: false }));
    case 'acd.wrapup.ended':
      return onAnswered(row, ctx, (v) => ({ ...v, wrapStart: v.wrapStart ?? v.endedAt ?? row.at, wrapEnd: row.at, wrapFinal: true }));
    case 'acd.transferred':
      return onAnswered(row, ctx, (v) => ({ ...v, transferOut: true }));
    case 'acd.callback.connected':
      return onLast(ctx, (v) => ({ ...v, callbackResult: 'connected' }));
    case 'acd.callback.noAnswer':
      return onLast(ctx, (v) => ({ ...v, callbackResult: 'noAnswer' }));
    case 'acd.callback.failed':
      return onLast(ctx, (v) => ({ ...v, callbackResult: 'failed' }));
    case 'acd.callback.expired':
      return onLast(ctx, (v) => ({ ...v, callbackResult: 'expired' }));
    default:
      return none();
  }
}
