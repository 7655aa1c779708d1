export type RecordingStatus = 'recording' | 'paused' | 'complete' | 'failed';

/** A stretch of the conversation the file leaves out (PCI): call time, ms since the epoch. */
export interface RecordingPause {
  at: number;
  /** null while still paused. */
  until: number | null;
  by: string;
  reason: string;
}

export interface NewRecording {
  id: string;
  callId: string;
  segment: number;
  interactionId: string | null;
  queueId: string | null;
  agentId: string | null;
  peer: string | null;
  callerNumber: string;
  startedAt: number;
  retainUntil: number | null;
}

export interface RecordingRow extends NewRecording {
  status: RecordingStatus;
  endedAt: number | null;
  durationMs: number | null;
  /** Relative to the recordings directory. */
  file: string | null;
  sizeBytes: number | null;
  sha256: string | null;
  failure: string | null;
  pauses: RecordingPause[];
  legalHold: boolean;
  deletedAt: number | null;
}

export type RecordingPatch = Partial<Pick<RecordingRow, 'status' | 'endedAt' | 'durationMs' | 'file' | 'sizeBytes' | 'sha256' | 'failure' | 'pauses' | 'legalHold' | 'deletedAt'>>;

export interface RecordingQuery {
  /** Started at or after (ms). */
  from?: number;
  /** Started before (ms). */
  to?: number;
  queueId?: string;
  agentId?: string;
  /** Caller number, exact. */
  caller?: string;
  callId?: string;
  minDurationMs?: number;
  maxDurationMs?: number;
  /** Deleted and purged recordings keep their row (and audit trail); hidden unless asked for. */
  includeDeleted?: boolean;
  limit: number;
  offset: number;
}

export interface RecordingAuditEntry {
  at: number;
  recordingId: string;
  callId: string | null;
  action: string;
  actor: string;
  reason: string;
  data?: Record<string, unknown>;
}

export interface RecordingStore {
  /** The next segment number of a call's recordings (1 for the first). */
  nextSegment(callId: string): number;
  insert(recording: NewRecording): void;
  update(id: string, patch: RecordingPatch): void;
  get(id: string): RecordingRow | undefined;
  /** Recordings still running or paused when the server last stopped, oldest first. */
  unfinished(): RecordingRow[];
  list(query: RecordingQuery): { total: number; items: RecordingRow[] };
  /** Past retention, not on legal hold, not deleted yet. */
  dueForPurge(now: number, limit: number): RecordingRow[];
  audit(entry: RecordingAuditEntry): void;
  auditTrail(recordingId: string): (RecordingAuditEntry & { seq: number })[];
}
