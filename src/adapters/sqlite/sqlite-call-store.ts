import type { AcdEventRow } from '../../ports/acd-store.js';
import type { CallEventRecord, CallFilter, CallLogJournal, CallQuery, CallRecord, CallStore, NewCall, NodeStats, NodeStatsQuery, QueueLogRow } from '../../ports/call-store.js';
import { hangupCauseText } from '../../core/call/hangup-causes.js';
import { OUTCOME_CALL_EVENTS, QUEUE_EXIT_EVENTS } from '../../core/calls/outcome.js';
import type { Db } from './database.js';

interface CallRow {
  id: string;
  channel_id: string;
  direction: string;
  caller_number: string;
  caller_name: string;
  dialed: string;
  flow_id: string | null;
  status: string;
  started_at: number;
  answered_at: number | null;
  ended_at: number | null;
  duration_ms: number | null;
  talk_ms: number | null;
  hangup_cause: number | null;
  hangup_cause_text: string | null;
  end_reason: string | null;
  flow_version: string | null;
  last_node: string | null;
  node_path: string;
  tags: string;
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** A JSON array column read back as strings; anything else in it (never written by us) is dropped. */
function stringArray(json: string): string[] {
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  } catch {
    return [];
  }
}

function toRecord(r: CallRow): CallRecord {
  return {
    id: r.id,
    channelId: r.channel_id,
    direction: r.direction as CallRecord['direction'],
    callerNumber: r.caller_number,
    callerName: r.caller_name,
    dialed: r.dialed,
    flowId: r.flow_id,
    status: r.status as CallRecord['status'],
    startedAt: r.started_at,
    answeredAt: r.answered_at,
    endedAt: r.ended_at,
    durationMs: r.duration_ms,
    talkMs: r.talk_ms,
    hangupCause: r.hangup_cause,
    hangupCauseText: r.hangup_cause_text,
    endReason: r.end_reason as CallRecord['endReason'],
    flowVersion: r.flow_version,
    lastNode: r.last_node,
    path: stringArray(r.node_path),
    tags: stringArray(r.tags),
  };
}

const sqlList = (values: readonly string[]) => values.map((v) => `'${v}'`).join(', ');
const NOT_CALLBACK = (alias: string) => `COALESCE(${alias}.interaction_id, '') NOT GLOB '*.cb[0-9]*'`;

// The outcome rules of core/calls/outcome.ts (decideOutcome) in SQL, so the list can filter and
// count on them; the store's tests run both over the same journals. Each subquery is one call's
// rows through the call_id indexes.
const OUTCOME_SQL = `CASE
  WHEN calls.status <> 'ended' THEN NULL
  WHEN EXISTS (SELECT 1 FROM call_events e WHERE e.call_id = calls.id AND e.type = 'transfer.answered')
    OR EXISTS (SELECT 1 FROM acd_events t WHERE t.call_id = calls.id AND t.type = 'acd.transfer.answered')
    THEN 'transferred'
  WHEN EXISTS (SELECT 1 FROM acd_events a WHERE a.call_id = calls.id AND a.type IN ('acd.offer.answered', 'acd.adopted') AND ${NOT_CALLBACK('a')})
    THEN 'answered'
  ELSE COALESCE(
    (SELECT CASE x.type
        WHEN 'acd.abandoned' THEN 'abandoned'
        WHEN 'acd.left' THEN CASE WHEN json_extract(x.data, '$.reason') = 'withdrawn' THEN 'callback' ELSE 'ivr' END
        WHEN 'acd.timeout' THEN 'timeout'
        WHEN 'acd.full' THEN 'full'
        WHEN 'acd.noAgents' THEN 'noAgents'
        ELSE CASE WHEN calls.end_reason = 'caller_hangup' THEN 'abandoned' ELSE 'failed' END
      END
      FROM acd_events x WHERE x.call_id = calls.id AND x.type IN (${sqlList(QUEUE_EXIT_EVENTS)}) AND ${NOT_CALLBACK('x')}
      ORDER BY x.seq DESC LIMIT 1),
    CASE
      WHEN EXISTS (SELECT 1 FROM call_events u WHERE u.call_id = calls.id AND u.type = 'queue.unavailable') THEN 'noAgents'
      WHEN calls.end_reason IN ('error', 'fallback', 'lost') THEN 'failed'
      ELSE 'ivr'
    END)
END`;

// An agent talked on the call: answered a voice offer (or kept the conversation over a restart),
// or reached the customer of a callback. The agent index finds their few calls among many.
const TALKED_BY = `calls.id IN (SELECT call_id FROM acd_events WHERE agent_id = @agentId AND call_id IS NOT NULL
  AND ((type IN ('acd.offer.answered', 'acd.adopted') AND COALESCE(interaction_id, '') NOT GLOB '*.cb[0-9]*') OR type = 'acd.callback.connected'))`;
const PLAYABLE_RECORDING = "SELECT 1 FROM recordings r WHERE r.call_id = calls.id AND r.deleted_at IS NULL AND r.status <> 'failed'";

function whereOf(q: CallFilter): { clause: string; params: Record<string, unknown> } {
  const where: string[] = [];
  const params: Record<string, unknown> = {};
  if (q.from !== undefined) { where.push('started_at >= @from'); params.from = q.from; }
  if (q.to !== undefined) { where.push('started_at < @to'); params.to = q.to; }
  if (q.status) { where.push('status = @status'); params.status = q.status; }
  if (q.flowId !== undefined) { where.push('flow_id = @flowId'); params.flowId = q.flowId; }
  if (q.tag !== undefined) { where.push('EXISTS (SELECT 1 FROM json_each(calls.tags) WHERE value = @tag)'); params.tag = q.tag; }
  if (q.number) {
    where.push("(caller_number LIKE @number ESCAPE '\\' OR dialed LIKE @number ESCAPE '\\')");
    params.number = `%${q.number.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  }
  if (q.direction !== undefined) { where.push('direction = @direction'); params.direction = q.direction; }
  if (q.queueId !== undefined) {
    where.push('calls.id IN (SELECT call_id FROM acd_events WHERE queue_id = @queueId AND call_id IS NOT NULL)');
    params.queueId = q.queueId;
  }
  if (q.agentId !== undefined) { where.push(TALKED_BY); params.agentId = q.agentId; }
  if (q.outcome !== undefined) { where.push(`(${OUTCOME_SQL}) = @outcome`); params.outcome = q.outcome; }
  if (q.hasRecording !== undefined) where.push(`${q.hasRecording ? '' : 'NOT '}EXISTS (${PLAYABLE_RECORDING})`);
  return { clause: where.length ? `WHERE ${where.join(' AND ')}` : '', params };
}

interface EventRow {
  seq: number;
  call_id: string;
  at: number;
  type: string;
  data: string;
}

interface AcdRow {
  seq: number;
  at: number;
  type: string;
  interaction_id: string | null;
  agent_id: string | null;
  queue_id: string | null;
  call_id: string | null;
  data: string;
}

const toEvent = (e: EventRow): CallEventRecord => ({ seq: e.seq, callId: e.call_id, at: e.at, type: e.type, data: JSON.parse(e.data) as Record<string, unknown> });
const toAcd = (r: AcdRow): AcdEventRow => ({
  seq: r.seq, at: r.at, type: r.type, interactionId: r.interaction_id, agentId: r.agent_id, queueId: r.queue_id, callId: r.call_id,
  data: JSON.parse(r.data) as Record<string, unknown>,
});

export function createSqliteCallStore(db: Db): CallStore {
  const insertCall = db.prepare(`INSERT INTO calls (id, channel_id, direction, caller_number, caller_name, dialed, flow_id, status, started_at)
    VALUES (@id, @channelId, @direction, @callerNumber, @callerName, @dialed, @flowId, 'active', @startedAt)`);
  const insertEvent = db.prepare('INSERT INTO call_events (call_id, at, type, data) VALUES (?, ?, ?, ?)');
  const byId = db.prepare('SELECT * FROM calls WHERE id = ?');
  const activeByChannel = db.prepare("SELECT * FROM calls WHERE channel_id = ? AND status = 'active'");
  const allActive = db.prepare("SELECT * FROM calls WHERE status = 'active' ORDER BY started_at");
  const eventsOf = db.prepare('SELECT seq, call_id, at, type, data FROM call_events WHERE call_id = ? ORDER BY seq');
  const setFlow = db.prepare('UPDATE calls SET flow_id = ?, flow_version = ? WHERE id = ?');
  // A re-adopted call runs the flow loaded now, which may be a newer version than it started on;
  // without a version (a call never answered) the flow.started that follows brings it.
  const setReadopted = db.prepare(`UPDATE calls SET
      flow_version = CASE WHEN @version IS NOT NULL THEN @version WHEN @flowId IS NOT NULL AND @flowId IS NOT flow_id THEN NULL ELSE flow_version END,
      flow_id = COALESCE(@flowId, flow_id)
    WHERE id = @id`);
  // Entry-flow nodes go in as "nodeId", subflow nodes as "flowId/nodeId": the journal marks those
  // with depth > 0, and a flowId other than the call's entry flow says the same.
  const pathEntry = `CASE WHEN @flowId IS NOT NULL AND (@depth > 0 OR (flow_id IS NOT NULL AND @flowId <> flow_id))
    THEN @flowId || '/' || @nodeId ELSE @nodeId END`;
  const enterNode = db.prepare(`UPDATE calls SET node_path = json_insert(node_path, '$[#]', ${pathEntry}), last_node = ${pathEntry} WHERE id = @id`);
  const tagsOf = db.prepare('SELECT tags FROM calls WHERE id = ?');
  const setTags = db.prepare('UPDATE calls SET tags = ? WHERE id = ?');
  const setAnswered = db.prepare('UPDATE calls SET answered_at = COALESCE(answered_at, ?) WHERE id = ?');
  const setCause = db.prepare('UPDATE calls SET hangup_cause = ?, hangup_cause_text = ? WHERE id = ?');
  const setCauseIfNone = db.prepare('UPDATE calls SET hangup_cause = ?, hangup_cause_text = ? WHERE id = ? AND hangup_cause IS NULL');
  const setEnded = db.prepare(`UPDATE calls SET status = 'ended', ended_at = @at, end_reason = @endReason,
      duration_ms = @at - started_at, talk_ms = CASE WHEN answered_at IS NULL THEN 0 ELSE MAX(0, @at - answered_at) END
    WHERE id = @id AND status = 'active'`);

  // The call row is a projection of the journal, updated in the same transaction as the append,
  // so the two never disagree.
  const project = (callId: string, at: number, type: string, data: Record<string, unknown>) => {
    switch (type) {
      case 'flow.started':
        setFlow.run(str(data.flowId), str(data.version), callId);
        break;
      case 'call.readopted':
        setReadopted.run({ id: callId, flowId: str(data.flowId), version: str(data.version) });
        break;
      case 'node.entered': {
        const nodeId = str(data.nodeId);
        if (nodeId === null) break;
        const depth = typeof data.depth === 'number' ? data.depth : 0;
        enterNode.run({ id: callId, nodeId, flowId: str(data.flowId), depth });
        break;
      }
      case 'tags.added': {
        if (!Array.isArray(data.tags)) break;
        const row = tagsOf.get(callId) as { tags: string } | undefined;
        if (!row) break;
        const current = stringArray(row.tags);
        const merged = [...new Set([...current, ...data.tags.filter((t): t is string => typeof t === 'string')])];
        if (merged.length !== current.length) setTags.run(JSON.stringify(merged), callId);
        break;
      }
      case 'call.answered':
        setAnswered.run(at, callId);
        break;
      // Cause 0 ("Unknown") says nothing: a BYE's cause arrives on a later ChannelHangupRequest,
      // and ChannelDestroyed sometimes reports 0 after it; keep the most specific one.
      case 'hangup.requested':
        if (typeof data.cause === 'number' && data.cause > 0) setCauseIfNone.run(data.cause, hangupCauseText(data.cause), callId);
        break;
      case 'channel.destroyed':
        if (typeof data.cause === 'number' && data.cause > 0) setCause.run(data.cause, String(data.causeText ?? hangupCauseText(data.cause)), callId);
        break;
      case 'call.ended':
        setEnded.run({ id: callId, at, endReason: data.endReason ?? null });
        break;
    }
  };

  const append = db.transaction((callId: string, at: number, type: string, data: Record<string, unknown>) => {
    insertEvent.run(callId, at, type, JSON.stringify(data));
    project(callId, at, type, data);
  });

  const start = db.transaction((call: NewCall) => {
    insertCall.run(call);
    insertEvent.run(call.id, call.startedAt, 'call.started', JSON.stringify({
      channelId: call.channelId, callerNumber: call.callerNumber, callerName: call.callerName, dialed: call.dialed, direction: call.direction,
    }));
  });

  return {
    startCall: (call) => start(call),
    append: (callId, at, type, data = {}) => append(callId, at, type, data),
    get: (id) => {
      const row = byId.get(id) as CallRow | undefined;
      return row && toRecord(row);
    },
    findActiveByChannel: (channelId) => {
      const row = activeByChannel.get(channelId) as CallRow | undefined;
      return row && toRecord(row);
    },
    active: () => (allActive.all() as CallRow[]).map(toRecord),
    events: (callId) => (eventsOf.all(callId) as EventRow[]).map(toEvent),
    list: (q: CallQuery) => {
      const { clause, params } = whereOf(q);
      const total = (db.prepare(`SELECT COUNT(*) AS n FROM calls ${clause}`).get(params) as { n: number }).n;
      const rows = db
        .prepare(`SELECT * FROM calls ${clause} ORDER BY started_at DESC, id LIMIT @limit OFFSET @offset`)
        .all({ ...params, limit: q.limit, offset: q.offset }) as CallRow[];
      return { total, items: rows.map(toRecord) };
    },
    *pages(filter: CallFilter, pageSize: number) {
      // Keyset paging (after the last row seen), not OFFSET: each page costs the same however deep,
      // and no statement stays open between pages, so calls may be written meanwhile.
      const { clause, params } = whereOf(filter);
      const after = `(started_at < @lastStarted OR (started_at = @lastStarted AND id > @lastId))`;
      const first = db.prepare(`SELECT * FROM calls ${clause} ORDER BY started_at DESC, id LIMIT @pageSize`);
      const next = db.prepare(`SELECT * FROM calls ${clause ? `${clause} AND` : 'WHERE'} ${after} ORDER BY started_at DESC, id LIMIT @pageSize`);
      let rows = first.all({ ...params, pageSize }) as CallRow[];
      while (rows.length > 0) {
        yield rows.map(toRecord);
        if (rows.length < pageSize) return;
        const last = rows[rows.length - 1]!;
        rows = next.all({ ...params, pageSize, lastStarted: last.started_at, lastId: last.id }) as CallRow[];
      }
    },
    journals: (callIds, detail) => {
      const ids = JSON.stringify(callIds);
      const byCall = new Map<string, CallLogJournal>(callIds.map((id) => [id, { events: [], acd: [], recordings: 0 }]));
      const eventTypes = detail === 'summary' ? `AND type IN (${sqlList(OUTCOME_CALL_EVENTS)})` : '';
      for (const e of db.prepare(`SELECT seq, call_id, at, type, data FROM call_events WHERE call_id IN (SELECT value FROM json_each(?)) ${eventTypes} ORDER BY seq`).all(ids) as EventRow[]) {
        byCall.get(e.call_id)?.events.push(toEvent(e));
      }
      for (const r of db.prepare('SELECT * FROM acd_events WHERE call_id IN (SELECT value FROM json_each(?)) ORDER BY seq').all(ids) as AcdRow[]) {
        if (r.call_id) byCall.get(r.call_id)?.acd.push(toAcd(r));
      }
      const counts = db.prepare(`SELECT call_id, COUNT(*) AS n FROM recordings
        WHERE call_id IN (SELECT value FROM json_each(?)) AND deleted_at IS NULL AND status <> 'failed' GROUP BY call_id`).all(ids) as { call_id: string; n: number }[];
      for (const c of counts) {
        const journal = byCall.get(c.call_id);
        if (journal) journal.recordings = c.n;
      }
      return byCall;
    },
    *queueLogRows(range, pageSize) {
      const to = range.to === undefined ? '' : 'AND e.at < @to';
      const page = db.prepare(`SELECT e.*, c.caller_number AS caller_number FROM acd_events e LEFT JOIN calls c ON c.id = e.call_id
        WHERE e.at >= @from ${to} AND (e.at > @lastAt OR (e.at = @lastAt AND e.seq > @lastSeq))
        ORDER BY e.at, e.seq LIMIT @pageSize`);
      let last = { lastAt: Number.MIN_SAFE_INTEGER, lastSeq: -1 };
      for (;;) {
        const rows = page.all({ from: range.from, ...(range.to === undefined ? {} : { to: range.to }), ...last, pageSize }) as (AcdRow & { caller_number: string | null })[];
        if (rows.length === 0) return;
        yield rows.map((r): QueueLogRow => ({ ...toAcd(r), callerNumber: r.caller_number }));
        if (rows.length < pageSize) return;
        const end = rows[rows.length - 1]!;
        last = { lastAt: end.at, lastSeq: end.seq };
      }
    },
    nodeStats: (flowId: string, q: NodeStatsQuery): NodeStats[] => {
      // Counted from the journal, so a flow edited since still shows what its nodes did; the
      // (type, at) index narrows the scan to the two event types in the time range.
      const where = ["e.type IN ('node.entered', 'node.exited')", "json_extract(e.data, '$.flowId') = @flowId"];
      const params: Record<string, unknown> = { flowId };
      if (q.from !== undefined) { where.push('e.at >= @from'); params.from = q.from; }
      if (q.to !== undefined) { where.push('e.at < @to'); params.to = q.to; }
      let join = '';
      if (q.version !== undefined) { join = 'JOIN calls c ON c.id = e.call_id AND c.flow_version = @version'; params.version = q.version; }
      const rows = db
        .prepare(`SELECT json_extract(e.data, '$.nodeId') AS node_id, e.type AS type, json_extract(e.data, '$.outcome') AS outcome, COUNT(*) AS n
          FROM call_events e ${join}
          WHERE ${where.join(' AND ')}
          GROUP BY node_id, e.type, outcome`)
        .all(params) as { node_id: unknown; type: string; outcome: unknown; n: number }[];
      const byNode = new Map<string, NodeStats>();
      for (const r of rows) {
        if (typeof r.node_id !== 'string') continue;
        let stats = byNode.get(r.node_id);
        if (!stats) byNode.set(r.node_id, (stats = { nodeId: r.node_id, visits: 0, exits: {} }));
        if (r.type === 'node.entered') stats.visits += r.n;
        else {
          const outcome = typeof r.outcome === 'string' ? r.outcome : 'unknown';
          stats.exits[outcome] = (stats.exits[outcome] ?? 0) + r.n;
        }
      }
      return [...byNode.values()].sort((a, b) => (a.nodeId < b.nodeId ? -1 : a.nodeId > b.nodeId ? 1 : 0));
    },
  };
}
