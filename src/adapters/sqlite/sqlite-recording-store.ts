import type { RecordingAuditEntry, RecordingPatch, RecordingRow, RecordingStore } from '../../ports/recording-store.js';
import type { Db } from './database.js';

interface Row {
  id: string; call_id: string; segment: number; interaction_id: string | null; queue_id: string | null; agent_id: string | null; peer: string | null;
  caller_number: string; status: RecordingRow['status']; started_at: number; ended_at: number | null; duration_ms: number | null; file: string | null;
  size_bytes: number | null; sha256: string | null; failure: string | null; pauses: string; legal_hold: number; retain_until: number | null; deleted_at: number | null;
}
interface AuditRow { seq: number; at: number; recording_id: string; call_id: string | null; action: string; actor: string; reason: string; data: string }

const toRecording = (r: Row): RecordingRow => ({
  id: r.id, callId: r.call_id, segment: r.segment, interactionId: r.interaction_id, queueId: r.queue_id, agentId: r.agent_id, peer: r.peer,
  callerNumber: r.caller_number, status: r.status, startedAt: r.started_at, endedAt: r.ended_at, durationMs: r.duration_ms, file: r.file,
  sizeBytes: r.size_bytes, sha256: r.sha256, failure: r.failure, pauses: JSON.parse(r.pauses) as RecordingRow['pauses'], legalHold: r.legal_hold === 1,
  retainUntil: r.retain_until, deletedAt: r.deleted_at,
});

const COLUMNS: Record<keyof RecordingPatch, string> = {
  status: 'status', endedAt: 'ended_at', durationMs: 'duration_ms', file: 'file', sizeBytes: 'size_bytes', sha256: 'sha256', failure: 'failure',
  pauses: 'pauses', legalHold: 'legal_hold', deletedAt: 'deleted_at',
};

export function createSqliteRecordingStore(db: Db): RecordingStore {
  const next = db.prepare('SELECT COALESCE(MAX(segment), 0) + 1 AS n FROM recordings WHERE call_id = ?');
  const insert = db.prepare(`INSERT INTO recordings (id, call_id, segment, interaction_id, queue_id, agent_id, peer, caller_number, status, started_at, retain_until)
    VALUES (@id, @callId, @segment, @interactionId, @queueId, @agentId, @peer, @callerNumber, 'recording', @startedAt, @retainUntil)`);
  const one = db.prepare('SELECT * FROM recordings WHERE id = ?');
  const unfinished = db.prepare("SELECT * FROM recordings WHERE status IN ('recording', 'paused') ORDER BY started_at");
  const due = db.prepare('SELECT * FROM recordings WHERE retain_until <= ? AND deleted_at IS NULL AND legal_hold = 0 ORDER BY retain_until LIMIT ?');
  const audit = db.prepare('INSERT INTO recording_audit (at, recording_id, call_id, action, actor, reason, data) VALUES (@at, @recordingId, @callId, @action, @actor, @reason, @data)');
  const trail = db.prepare('SELECT * FROM recording_audit WHERE recording_id = ? ORDER BY seq');

  return {
    nextSegment: (callId) => (next.get(callId) as { n: number }).n,
    insert: (r) => void insert.run(r),
    update: (id, patch) => {
      const sets: string[] = [];
      const params: Record<string, unknown> = { id };
      for (const [key, value] of Object.entries(patch) as [keyof RecordingPatch, unknown][]) {
        if (value === undefined) continue;
        sets.push(`${COLUMNS[key]} = @${key}`);
        params[key] = key === 'pauses' ? JSON.stringify(value) : key === 'legalHold' ? (value ? 1 : 0) : value;
      }
      if (sets.length > 0) db.prepare(`UPDATE recordings SET ${sets.join(', ')} WHERE id = @id`).run(params);
    },
    get: (id) => {
      const row = one.get(id) as Row | undefined;
      return row && toRecording(row);
    },
    unfinished: () => (unfinished.all() as Row[]).map(toRecording),
    list: (q) => {
      const where: string[] = [];
      const params: Record<string, unknown> = {};
      const add = (sql: string, name: string, value: unknown) => {
        if (value === undefined) return;
        where.push(sql);
        params[name] = value;
      };
      add('started_at >= @from', 'from', q.from);
      add('started_at < @to', 'to', q.to);
      add('queue_id = @queueId', 'queueId', q.queueId);
      add('agent_id = @agentId', 'agentId', q.agentId);
      add('caller_number = @caller', 'caller', q.caller);
      add('call_id = @callId', 'callId', q.callId);
      add('duration_ms >= @minDurationMs', 'minDurationMs', q.minDurationMs);
      add('duration_ms <= @maxDurationMs', 'maxDurationMs', q.maxDurationMs);
      if (!q.includeDeleted) where.push('deleted_at IS NULL');
      const clause = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
      const total = (db.prepare(`SELECT COUNT(*) AS n FROM recordings ${clause}`).get(params) as { n: number }).n;
      const rows = db.prepare(`SELECT * FROM recordings ${clause} ORDER BY started_at DESC, segment DESC LIMIT @limit OFFSET @offset`).all({ ...params, limit: q.limit, offset: q.offset }) as Row[];
      return { total, items: rows.map(toRecording) };
    },
    dueForPurge: (now, limit) => (due.all(now, limit) as Row[]).map(toRecording),
    audit: (e) => void audit.run({ ...e, data: JSON.stringify(e.data ?? {}) }),
    auditTrail: (id) =>
      (trail.all(id) as AuditRow[]).map((r) => ({ seq: r.seq, at: r.at, recordingId: r.recording_id, callId: r.call_id, action: r.action, actor: r.actor, reason: r.reason, data: JSON.parse(r.data) as Record<string, unknown> })),
  };
}
