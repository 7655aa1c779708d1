import { Type } from 'typebox';
import type { RecordingRow } from '../../../ports/recording-store.js';

const iso = (ms: number) => new Date(ms).toISOString();
const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));
const Nullable = <T extends ReturnType<typeof Type.String> | ReturnType<typeof Type.Integer>>(t: T) => Type.Union([t, Type.Null()]);

export const RecordingSchema = Type.Object({
  id: Type.String(),
  callId: Type.String(),
  segment: Type.Integer({ description: '1 for the first conversation of the call; a transfer starts the next' }),
  interactionId: Nullable(Type.String()),
  queueId: Nullable(Type.String()),
  agentId: Nullable(Type.String({ description: 'The agent who talked in this segment' })),
  peer: Nullable(Type.String({ description: 'The number a blind transfer dialled, for a segment without an agent' })),
  callerNumber: Type.String(),
  status: Type.String({ description: 'recording, paused, complete or failed' }),
  startedAt: Type.String({ format: 'date-time' }),
  endedAt: Nullable(Type.String({ format: 'date-time' })),
  durationSec: Type.Union([Type.Number(), Type.Null()], { description: 'Audio in the file (pauses are not in it)' }),
  sizeBytes: Nullable(Type.Integer()),
  sha256: Nullable(Type.String({ description: 'Of the stored file, taken when it was written' })),
  failure: Nullable(Type.String()),
  pauses: Type.Array(
    Type.Object({
      at: Type.String({ format: 'date-time' }),
      until: Nullable(Type.String({ format: 'date-time' })),
      by: Type.String(),
      reason: Type.String(),
    }),
    { description: 'Stretches of the conversation left out of the file (PCI)' },
  ),
  legalHold: Type.Boolean(),
  retainUntil: Nullable(Type.String({ format: 'date-time' })),
  deletedAt: Nullable(Type.String({ format: 'date-time' })),
  audioUrl: Nullable(Type.String({ description: 'Download (HTTP range requests supported); null when there is no file' })),
});

export const AuditSchema = Type.Object({
  seq: Type.Integer(),
  at: Type.String({ format: 'date-time' }),
  action: Type.String(),
  actor: Type.String(),
  reason: Type.String(),
});

export const RecordingDetail = Type.Object({ ...RecordingSchema.properties, audit: Type.Array(AuditSchema) });

export const RecordingList = Type.Object({ total: Type.Integer(), items: Type.Array(RecordingSchema) });

export const RecordingQuery = Type.Object(
  {
    from: Type.Optional(Type.String({ format: 'date-time', description: 'Started at or after' })),
    to: Type.Optional(Type.String({ format: 'date-time', description: 'Started before' })),
    queueId: Type.Optional(Type.String({ maxLength: 64 })),
    agentId: Type.Optional(Type.String({ maxLength: 64, description: 'Ignored for an agent key (always its own agent)' })),
    caller: Type.Optional(Type.String({ maxLength: 64, description: 'Caller number, exact' })),
    callId: Type.Optional(Type.String({ maxLength: 128 })),
    minDurationSec: Type.Optional(Type.Number({ minimum: 0 })),
    maxDurationSec: Type.Optional(Type.Number({ minimum: 0 })),
    includeDeleted: Type.Optional(Type.Boolean({ default: false, description: 'Supervisors: also rows whose file was deleted or purged' })),
    limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
    offset: Type.Integer({ minimum: 0, default: 0 }),
  },
  { additionalProperties: false },
);

// No pattern on purpose: an id that is not ours (../../etc/passwd) is simply not found (404).
export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 200 }) });

export const ReasonBody = Type.Object({ reason: Type.String({ minLength: 1, maxLength: 500 }) }, { additionalProperties: false });
export const OptionalReasonBody = Type.Object({ reason: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })) }, { additionalProperties: false });
export const HoldBody = Type.Object({ hold: Type.Boolean(), reason: Type.String({ minLength: 1, maxLength: 500 }) }, { additionalProperties: false });

export const recordingToApi = (r: RecordingRow) => ({
  id: r.id,
  callId: r.callId,
  segment: r.segment,
  interactionId: r.interactionId,
  queueId: r.queueId,
  agentId: r.agentId,
  peer: r.peer,
  callerNumber: r.callerNumber,
  status: r.status,
  startedAt: iso(r.startedAt),
  endedAt: isoOrNull(r.endedAt),
  durationSec: r.durationMs === null ? null : r.durationMs / 1000,
  sizeBytes: r.sizeBytes,
  sha256: r.sha256,
  failure: r.failure,
  pauses: r.pauses.map((p) => ({ at: iso(p.at), until: isoOrNull(p.until), by: p.by, reason: p.reason })),
  legalHold: r.legalHold,
  retainUntil: isoOrNull(r.retainUntil),
  deletedAt: isoOrNull(r.deletedAt),
  audioUrl: r.file && r.deletedAt === null && r.status === 'complete' ? `/api/v1/recordings/${r.id}/audio` : null,
});
