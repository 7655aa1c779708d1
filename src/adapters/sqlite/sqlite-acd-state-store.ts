import type { AgentSavedState, AgentStatus, Channel } from '../../core/acd/acd-types.js';
import type { AcdEventRow, AcdStateStore, SavedInteraction } from '../../ports/acd-store.js';
import type { Db } from './database.js';

interface StateRow {
  agent_id: string;
  status: string;
  pause_reason: string | null;
  status_since: number;
  idle_since: number;
  wrap_up_until: number | null;
  handled: number;
  talk_ms: number;
}
interface WaitingRow { id: string; channel: string; queue_id: string; call_id: string | null; enqueued_at: number; priority: number; skills: string; connected: string | null; caller: string | null }
interface EventRow { seq: number; at: number; type: string; interaction_id: string | null; agent_id: string | null; queue_id: string | null; call_id: string | null; data: string }

export const JOURNAL_DEFAULT_LIMIT = 200;
export const JOURNAL_MAX_LIMIT = 5000;

function parseJson(json: string): unknown {
  try {
    return JSON.parse(json) as unknown;
  } catch {
    return undefined;
  }
}

const toState = (r: StateRow): AgentSavedState => ({
  agentId: r.agent_id,
  status: r.status as AgentStatus,
  pauseReason: r.pause_reason,
  statusSince: r.status_since,
  idleSince: r.idle_since,
  wrapUpUntil: r.wrap_up_until,
  handled: r.handled,
  talkMs: r.talk_ms,
});

function toConnected(raw: string | null): SavedInteraction['connected'] {
  const c = raw ? (parseJson(raw) as Record<string, unknown> | undefined) : undefined;
  if (!c || typeof c.agentId !== 'string' || typeof c.legId !== 'string' || typeof c.bridgeId !== 'string' || typeof c.connectedAt !== 'number') return null;
  return { agentId: c.agentId, legId: c.legId, bridgeId: c.bridgeId, connectedAt: c.connectedAt };
}

function toCaller(raw: string | null): SavedInteraction['caller'] {
  const c = raw ? (parseJson(raw) as Record<string, unknown> | undefined) : undefined;
  if (!c || typeof c.number !== 'string') return null;
  return { number: c.number, name: typeof c.name === 'string' ? c.name : '', attempt: typeof c.attempt === 'number' ? c.attempt : 1 };
}

function toInteraction(r: WaitingRow): SavedInteraction {
  const skills = parseJson(r.skills);
  return {
    id: r.id,
    channel: r.channel as Channel,
    queueId: r.queue_id,
    callId: r.call_id,
    enqueuedAt: r.enqueued_at,
    priority: r.priority,
    skills: Array.isArray(skills) ? skills.filter((s): s is string => typeof s === 'string') : [],
    connected: toConnected(r.connected),
    caller: toCaller(r.caller),
  };
}

function toEvent(r: EventRow): AcdEventRow {
  const data = parseJson(r.data);
  return {
    seq: r.seq,
    at: r.at,
    type: r.type,
    interactionId: r.interaction_id,
    agentId: r.agent_id,
    queueId: r.queue_id,
    callId: r.call_id,
    data: data !== null && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, unknown>) : {},
  };
}

export interface AcdStateStoreOptions {
  /** Called with each appended journal row inside the insert's transaction (the stats projection). */
  onAppend?: (row: AcdEventRow) => void;
}

export function createSqliteAcdStateStore(db: Db, options: AcdStateStoreOptions = {}): AcdStateStore {
  const upsertState = db.prepare(`INSERT INTO acd_agent_state (agent_id, status, pause_reason, status_since, idle_since, wrap_up_until, handled, talk_ms)
    VALUES (@agentId, @status, @pauseReason, @statusSince, @idleSince, @wrapUpUntil, @handled, @talkMs)
    ON CONFLICT (agent_id) DO UPDATE SET status = excluded.status, pause_reason = excluded.pause_reason, status_since = excluded.status_since,
      idle_since = excluded.idle_since, wrap_up_until = excluded.wrap_up_until, handled = excluded.handled, talk_ms = excluded.talk_ms`);
  const states = db.prepare('SELECT * FROM acd_agent_state ORDER BY agent_id');
  const upsertWaiting = db.prepare(`INSERT INTO acd_waiting (id, channel, queue_id, call_id, enqueued_at, priority, skills, connected, caller)
    VALUES (@id, @channel, @queueId, @callId, @enqueuedAt, @priority, @skills, @connected, @caller)
    ON CONFLICT (id) DO UPDATE SET channel = excluded.channel, queue_id = excluded.queue_id, call_id = excluded.call_id,
      enqueued_at = excluded.enqueued_at, priority = excluded.priority, skills = excluded.skills, connected = excluded.connected, caller = excluded.caller`);
  const removeWaiting = db.prepare('DELETE FROM acd_waiting WHERE id = ?');
  const waiting = db.prepare('SELECT * FROM acd_waiting ORDER BY enqueued_at, id');
  const insertEvent = db.prepare(`INSERT INTO acd_events (at, type, interaction_id, agent_id, queue_id, call_id, data)
    VALUES (@at, @type, @interactionId, @agentId, @queueId, @callId, @data)`);
  // Starts from the caller's calls (calls_caller index) rather than from every answer in the window.
  const lastAgent = db.prepare(`SELECT e.agent_id AS agent_id FROM calls c JOIN acd_events e ON e.call_id = c.id
    WHERE c.caller_number = ? AND e.type = 'acd.offer.answered' AND e.at >= ? AND e.agent_id IS NOT NULL
    ORDER BY e.at DESC, e.seq DESC LIMIT 1`);
  // Rows without a usable handleMs (an older engine, a hand-written row) are skipped, not counted as 0.
  const handleTimes = db.prepare(`SELECT handle_ms FROM (
      SELECT at, seq, CASE WHEN json_valid(data) AND json_type(data, '$.handleMs') IN ('integer', 'real') THEN json_extract(data, '$.handleMs') END AS handle_ms
      FROM acd_events WHERE queue_id = ? AND type = 'acd.wrapup.ended'
    ) WHERE handle_ms >= 0 ORDER BY at DESC, seq DESC LIMIT ?`);

  return {
    saveAgentState: (s) => void upsertState.run({ ...s }),
    loadAgentStates: () => (states.all() as StateRow[]).map(toState),
    saveInteraction: (i) => void upsertWaiting.run({ ...i, skills: JSON.stringify(i.skills), connected: i.connected ? JSON.stringify(i.connected) : null, caller: i.caller ? JSON.stringify(i.caller) : null }),
    removeInteraction: (id) => void removeWaiting.run(id),
    loadInteractions: () => (waiting.all() as WaitingRow[]).map(toInteraction),
    appendEvent: (row) => {
      const insert = () =>
        insertEvent.run({
          at: row.at,
          type: row.type,
          interactionId: row.interactionId,
          agentId: row.agentId,
          queueId: row.queueId,
          callId: row.callId,
          data: JSON.stringify(row.data),
        });
      const { onAppend } = options;
      if (!onAppend) return void insert();
      db.transaction(() => onAppend({ ...row, seq: Number(insert().lastInsertRowid) }))();
    },
    // Newest first: the journal is read to see what just happened; `from` bounds how far back.
    events: (f) => {
      const where: string[] = [];
      const params: Record<string, unknown> = {};
      if (f.from !== undefined) { where.push('at >= @from'); params.from = f.from; }
      if (f.to !== undefined) { where.push('at < @to'); params.to = f.to; }
      if (f.interactionId !== undefined) { where.push('interaction_id = @interactionId'); params.interactionId = f.interactionId; }
      if (f.agentId !== undefined) { where.push('agent_id = @agentId'); params.agentId = f.agentId; }
      if (f.queueId !== undefined) { where.push('queue_id = @queueId'); params.queueId = f.queueId; }
      if (f.type !== undefined) { where.push('type = @type'); params.type = f.type; }
      params.limit = Math.min(Math.max(1, Math.floor(f.limit ?? JOURNAL_DEFAULT_LIMIT)), JOURNAL_MAX_LIMIT);
      const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
      return (db.prepare(`SELECT * FROM acd_events ${clause} ORDER BY at DESC, seq DESC LIMIT @limit`).all(params) as EventRow[]).map(toEvent);
    },
    // An anonymous caller (no number) is nobody's returning caller.
    lastAgentFor: (callerNumber, since) => {
      if (callerNumber === '') return null;
      const row = lastAgent.get(callerNumber, since) as { agent_id: string } | undefined;
      return row?.agent_id ?? null;
    },
    recentHandleTimes: (queueId, limit) =>
      limit <= 0 ? [] : (handleTimes.all(queueId, Math.floor(limit)) as { handle_ms: number }[]).map((r) => r.handle_ms),
  };
}
