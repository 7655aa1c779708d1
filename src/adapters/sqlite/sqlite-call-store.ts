import type { CallEventRecord, CallQuery, CallRecord, CallStore, NewCall } from '../../ports/call-store.js';
import { hangupCauseText } from '../../core/call/hangup-causes.js';
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
  };
}

export function createSqliteCallStore(db: Db): CallStore {
  const insertCall = db.prepare(`INSERT INTO calls (id, channel_id, direction, caller_number, caller_name, dialed, flow_id, status, started_at)
    VALUES (@id, @channelId, @direction, @callerNumber, @callerName, @dialed, @flowId, 'active', @startedAt)`);
  const insertEvent = db.prepare('INSERT INTO call_events (call_id, at, type, data) VALUES (?, ?, ?, ?)');
  const byId = db.prepare('SELECT * FROM calls WHERE id = ?');
  const activeByChannel = db.prepare("SELECT * FROM calls WHERE channel_id = ? AND status = 'active'");
  const allActive = db.prepare("SELECT * FROM calls WHERE status = 'active' ORDER BY started_at");
  const eventsOf = db.prepare('SELECT seq, call_id, at, type, data FROM call_events WHERE call_id = ? ORDER BY seq');
  const setFlow = db.prepare('UPDATE calls SET flow_id = ? WHERE id = ?');
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
        setFlow.run(data.flowId ?? null, callId);
        break;
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
    events: (callId) =>
      (eventsOf.all(callId) as { seq: number; call_id: string; at: number; type: string; data: string }[]).map(
        (e): CallEventRecord => ({ seq: e.seq, callId: e.call_id, at: e.at, type: e.type, data: JSON.parse(e.data) as Record<string, unknown> }),
      ),
    list: (q: CallQuery) => {
      const where: string[] = [];
      const params: Record<string, unknown> = {};
      if (q.from !== undefined) { where.push('started_at >= @from'); params.from = q.from; }
      if (q.to !== undefined) { where.push('started_at < @to'); params.to = q.to; }
      if (q.status) { where.push('status = @status'); params.status = q.status; }
      if (q.number) {
        where.push("(caller_number LIKE @number ESCAPE '\\' OR dialed LIKE @number ESCAPE '\\')");
        params.number = `%${q.number.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      }
      const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
      const total = (db.prepare(`SELECT COUNT(*) AS n FROM calls ${clause}`).get(params) as { n: number }).n;
      const rows = db
        .prepare(`SELECT * FROM calls ${clause} ORDER BY started_at DESC, id LIMIT @limit OFFSET @offset`)
        .all({ ...params, limit: q.limit, offset: q.offset }) as CallRow[];
      return { total, items: rows.map(toRecord) };
    },
  };
}
