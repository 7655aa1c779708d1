import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { QueueConfig, RecordingMode } from '../core/acd/acd-types.js';
import type { RecordingFiles } from '../ports/recording-files.js';
import type { RecordingPause, RecordingRow, RecordingStore } from '../ports/recording-store.js';
import type { Telephony, TelephonyEvent } from '../ports/telephony.js';

/** A caller bridged with someone (an agent, or a number a transfer dialled): what gets recorded. */
export interface Conversation {
  bridgeId: string;
  callId: string;
  interactionId: string | null;
  queueId: string | null;
  agentId: string | null;
  /** The number a blind transfer dialled, when nobody from the ACD talks. */
  peer: string | null;
  callerNumber: string;
  /** The flow's queue node setting; overrides the queue's mode. */
  mode?: RecordingMode;
}

export class RecordingError extends Error {
  constructor(readonly code: 'not_found' | 'not_recording' | 'invalid_state' | 'forbidden', message: string) {
    super(message);
    this.name = 'RecordingError';
  }
}

type Hold = 'manual' | 'mask';

interface Live {
  conversation: Conversation;
  recordingId: string | null;
  holds: Set<Hold>;
  consentPrompt: string | null;
  retentionDays: number | null;
}

export interface RecordingServiceDeps {
  telephony: Telephony;
  store: RecordingStore;
  files: RecordingFiles;
  /** Journal of the call the recording belongs to (its timeline shows every start, pause and failure). */
  callJournal(callId: string, at: number, type: string, data: Record<string, unknown>): void;
  queue(id: string): QueueConfig | undefined;
  now: () => number;
  logger: Logger;
  metrics?: { recordingStarted(): void; recordingFailed(reason: string): void };
  /** How long to wait for Asterisk to hand over a stopped recording's file before calling it failed. */
  fetchRetryMs?: number;
}

const DAY_MS = 86_400_000;
const FETCH_ATTEMPTS = 10;

// Conversation recordings: one segment per bridge (an agent, or a number a transfer dialled),
// linked to the call. Asterisk records the bridge into its spool; once the segment ends the file
// is fetched over ARI (so Asterisk may run elsewhere), hashed and stored under the data directory.
// A recording that fails never touches the call: the failure is journaled, logged and counted.
export function createRecordingService(deps: RecordingServiceDeps) {
  const { telephony, store, files, now } = deps;
  const log = deps.logger.child({ component: 'recording' });
  const retryMs = deps.fetchRetryMs ?? 500;
  const byBridge = new Map<string, Live>();
  const byCall = new Map<string, Live>();
  const masked = new Set<string>();
  /** Calls whose recording was started on demand: the next segment after a transfer records too. */
  const followOn = new Set<string>();
  const finishing = new Map<string, Promise<void>>();
  /** Starts and stops not awaited by anyone (conversation events): idle() waits for them too. */
  const inFlight = new Set<Promise<void>>();
  const track = (work: Promise<void>) => {
    const tracked = work.catch((err: unknown) => log.error({ err }, 'recording: unexpected failure')).finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
  };

  const journal = (row: Pick<RecordingRow, 'id' | 'callId' | 'segment'>, type: string, data: Record<string, unknown> = {}) => {
    try {
      deps.callJournal(row.callId, now(), type, { recordingId: row.id, segment: row.segment, ...data });
    } catch (err) {
      log.error({ err, type }, 'recording: journal write failed');
    }
  };

  function fail(id: string, reason: string, code: string) {
    const row = store.get(id);
    if (!row || row.status === 'complete' || row.status === 'failed') return;
    store.update(id, { status: 'failed', failure: reason, endedAt: now(), pauses: closePauses(row.pauses) });
    store.audit({ at: now(), recordingId: id, callId: row.callId, action: 'failed', actor: 'system', reason });
    journal(row, 'recording.segment.failed', { reason });
    deps.metrics?.recordingFailed(code);
    log.error({ recordingId: id, callId: row.callId, reason }, 'recording failed; the call goes on');
  }

  const closePauses = (pauses: RecordingPause[]) => pauses.map((p) => (p.until === null ? { ...p, until: now() } : p));

  async function start(live: Live, by: string) {
    const c = live.conversation;
    const id = `rec-${randomUUID()}`;
    const startedAt = now();
    const segment = store.nextSegment(c.callId);
    store.insert({
      id,
      callId: c.callId,
      segment,
      interactionId: c.interactionId,
      queueId: c.queueId,
      agentId: c.agentId,
      peer: c.peer,
      callerNumber: c.callerNumber,
      startedAt,
      retainUntil: live.retentionDays === null ? null : startedAt + live.retentionDays * DAY_MS,
    });
    live.recordingId = id;
    journal({ id, callId: c.callId, segment }, 'recording.segment.started', { by, agentId: c.agentId, queueId: c.queueId, peer: c.peer });
    deps.metrics?.recordingStarted();
    try {
      await telephony.recordBridge(c.bridgeId, id);
    } catch (err) {
      live.recordingId = null;
      fail(id, `could not start: ${(err as Error).message}`, 'start');
      return;
    }
    // The notice goes into the recording: proof that both parties heard it.
    if (live.consentPrompt) {
      telephony.playOnBridge(c.bridgeId, `consent-${id}`, [live.consentPrompt]).catch((err: unknown) => log.warn({ err, recordingId: id }, 'recording: consent prompt failed'));
    }
    // A masked collect already running: the recording starts paused, and says so. The masked set,
    // not only the holds: a mask that began while nothing was recorded (onDemand, or after a stop)
    // left no hold behind, and an on-demand start then would record the card number.
    if (masked.has(c.callId)) live.holds.add('mask');
    const pending = [...live.holds];
    live.holds.clear();
    for (const kind of pending) await hold(live, kind, 'flow', 'masked input');
  }

  async function applyPause(live: Live, paused: boolean) {
    if (!live.recordingId) return;
    try {
      await (paused ? telephony.pauseRecording(live.recordingId) : telephony.resumeRecording(live.recordingId));
    } catch (err) {
      log.warn({ err, recordingId: live.recordingId }, `recording: ${paused ? 'pause' : 'resume'} failed`);
      throw new RecordingError('invalid_state', `the recording could not be ${paused ? 'paused' : 'resumed'}: ${(err as Error).message}`);
    }
  }

  async function hold(live: Live, kind: Hold, by: string, reason: string) {
    const id = live.recordingId;
    if (!id) return;
    const wasPaused = live.holds.size > 0;
    if (live.holds.has(kind)) return;
    live.holds.add(kind);
    if (!wasPaused) {
      try {
        await applyPause(live, true);
      } catch (err) {
        // Not paused: without this the hold stays and every later pause is a silent no-op.
        live.holds.delete(kind);
        throw err;
      }
    }
    const row = store.get(id);
    if (!row) return;
    const pauses = wasPaused ? row.pauses : [...row.pauses, { at: now(), until: null, by, reason }];
    store.update(id, { status: 'paused', pauses });
    store.audit({ at: now(), recordingId: id, callId: row.callId, action: 'paused', actor: by, reason });
    journal(row, 'recording.segment.paused', { by, reason });
  }

  async function release(live: Live, kind: Hold, by: string, reason: string) {
    const id = live.recordingId;
    if (!id || !live.holds.has(kind)) return;
    live.holds.delete(kind);
    const row = store.get(id);
    // A manual resume does not end a PCI pause: the recording stays paused while input is masked.
    if (live.holds.size > 0) {
      if (row) store.audit({ at: now(), recordingId: id, callId: row.callId, action: 'resume.deferred', actor: by, reason: `still paused: ${[...live.holds].join(', ')}` });
      return;
    }
    try {
      await applyPause(live, false);
    } catch (err) {
      // Still paused in Asterisk: keep the hold so the resume can be tried again.
      live.holds.add(kind);
      throw err;
    }
    if (!row) return;
    store.update(id, { status: 'recording', pauses: closePauses(row.pauses) });
    store.audit({ at: now(), recordingId: id, callId: row.callId, action: 'resumed', actor: by, reason });
    journal(row, 'recording.segment.resumed', { by, reason });
  }

  async function fetchFile(id: string) {
    for (let attempt = 1; ; attempt++) {
      try {
        return await telephony.storedRecording(id);
      } catch (err) {
        // Asterisk stores the file as the recording stops; a stop we just sent may not be done yet.
        if ((err as { code?: string }).code !== 'channel_gone' || attempt >= FETCH_ATTEMPTS) throw err;
        await new Promise((ok) => setTimeout(ok, retryMs));
      }
    }
  }

  function finish(id: string): Promise<void> {
    const running = finishing.get(id);
    if (running) return running;
    const done = (async () => {
      const row = store.get(id);
      if (!row || row.status === 'complete' || row.status === 'failed') return;
      const endedAt = now();
      store.update(id, { endedAt, pauses: closePauses(row.pauses) });
      try {
        const saved = await files.save(id, row.startedAt, await fetchFile(id));
        store.update(id, { status: 'complete', durationMs: saved.durationMs, file: saved.file, sizeBytes: saved.sizeBytes, sha256: saved.sha256 });
        journal(row, 'recording.segment.stopped', { durationMs: saved.durationMs, sizeBytes: saved.sizeBytes, sha256: saved.sha256 });
        // Asterisk's spool is not our store: once the file is safe here, free it there.
        telephony.deleteStoredRecording(id).catch((err: unknown) => log.warn({ err, recordingId: id }, 'recording: could not delete the spool copy'));
      } catch (err) {
        const code = (err as { code?: string }).code;
        // Asterisk accepts a bridge recording it cannot write (a read-only or full spool) and
        // reports no failure: the only sign is that it never stores a file.
        if (code === 'channel_gone') fail(id, 'Asterisk stored no file for it (can it write its recording directory?)', 'asterisk');
        // Asterisk keeps its copy when ours cannot be written (disk full): an admin can recover it.
        else fail(id, `could not store the file: ${(err as Error).message}`, code === 'ENOSPC' ? 'disk_full' : 'store');
      }
    })().finally(() => finishing.delete(id));
    finishing.set(id, done);
    return done;
  }

  async function stopLive(live: Live) {
    const id = live.recordingId;
    if (!id) return;
    live.recordingId = null;
    live.holds.clear();
    await telephony.stopRecording(id).catch((err: unknown) => log.warn({ err, recordingId: id }, 'recording: stop failed'));
    await finish(id);
  }

  function liveFor(callId: string): Live {
    const live = byCall.get(callId);
    if (!live) throw new RecordingError('not_found', `call '${callId}' is not talking to anyone now`);
    return live;
  }

  return {
    /** The caller is bridged with an agent or a transfer's number: record if the policy says so. */
    conversationStarted(conversation: Conversation) {
      const queue = conversation.queueId ? deps.queue(conversation.queueId) : undefined;
      const policy = queue?.recording;
      const mode = conversation.mode ?? policy?.mode ?? 'never';
      const live: Live = { conversation, recordingId: null, holds: new Set(), consentPrompt: policy?.consentPrompt ?? null, retentionDays: policy?.retentionDays ?? null };
      if (masked.has(conversation.callId)) live.holds.add('mask');
      byBridge.set(conversation.bridgeId, live);
      byCall.set(conversation.callId, live);
      const record = mode === 'all' || (mode === 'onDemand' && followOn.has(conversation.callId));
      if (record) track(start(live, mode === 'all' ? 'policy' : 'follow-on'));
    },

    /** After a restart: the bridge and its recording are still running in Asterisk. */
    conversationAdopted(conversation: Conversation) {
      const queue = conversation.queueId ? deps.queue(conversation.queueId) : undefined;
      const running = store.unfinished().findLast((r) => r.callId === conversation.callId);
      const live: Live = { conversation, recordingId: running?.id ?? null, holds: new Set(), consentPrompt: null, retentionDays: queue?.recording?.retentionDays ?? null };
      if (running?.status === 'paused') live.holds.add('manual');
      byBridge.set(conversation.bridgeId, live);
      byCall.set(conversation.callId, live);
    },

    conversationEnded(bridgeId: string) {
      const live = byBridge.get(bridgeId);
      if (!live) return;
      byBridge.delete(bridgeId);
      if (byCall.get(live.conversation.callId) === live) byCall.delete(live.conversation.callId);
      track(stopLive(live));
    },

    handle(event: TelephonyEvent) {
      if (event.type !== 'bridgeRecording') return;
      if (event.state === 'failed') {
        const live = byBridge.get(event.bridgeId);
        if (live?.recordingId === event.name) live.recordingId = null;
        fail(event.name, event.cause ?? 'recording failed in Asterisk', 'asterisk');
      } else if (event.state === 'finished') {
        const live = byBridge.get(event.bridgeId);
        // Ended under us (the bridge went away): store what there is.
        if (live?.recordingId === event.name) live.recordingId = null;
        void finish(event.name);
      }
    },

    /** A masked collect runs: nothing typed or said then may be in the file. */
    onMask(callId: string, on: boolean, nodeId: string) {
      if (on) masked.add(callId);
      else masked.delete(callId);
      const live = byCall.get(callId);
      if (!live) return;
      const action = on ? hold(live, 'mask', 'flow', `masked input (${nodeId})`) : release(live, 'mask', 'flow', `masked input done (${nodeId})`);
      track(action.catch((err: unknown) => log.error({ err, callId }, 'recording: PCI pause failed')));
    },

    /** The agent (or supervisor) pauses for sensitive data. */
    async pause(callId: string, by: string, reason: string, agentId?: string): Promise<RecordingRow> {
      const live = liveFor(callId);
      if (agentId !== undefined && live.conversation.agentId !== agentId) throw new RecordingError('forbidden', 'an agent may pause only their own conversation');
      if (!live.recordingId) throw new RecordingError('not_recording', `call '${callId}' is not being recorded`);
      await hold(live, 'manual', by, reason);
      return store.get(live.recordingId)!;
    },

    async resume(callId: string, by: string, reason: string, agentId?: string): Promise<RecordingRow> {
      const live = liveFor(callId);
      if (agentId !== undefined && live.conversation.agentId !== agentId) throw new RecordingError('forbidden', 'an agent may resume only their own conversation');
      if (!live.recordingId) throw new RecordingError('not_recording', `call '${callId}' is not being recorded`);
      await release(live, 'manual', by, reason);
      return store.get(live.recordingId)!;
    },

    /** On demand: start recording the call's conversation now (and its later segments). */
    async start(callId: string, by: string, agentId?: string): Promise<RecordingRow> {
      const live = liveFor(callId);
      if (agentId !== undefined && live.conversation.agentId !== agentId) throw new RecordingError('forbidden', 'an agent may record only their own conversation');
      const queue = live.conversation.queueId ? deps.queue(live.conversation.queueId) : undefined;
      const mode = live.conversation.mode ?? queue?.recording?.mode ?? 'never';
      if (mode === 'never') throw new RecordingError('invalid_state', 'recording is off for this conversation (mode never)');
      if (live.recordingId) throw new RecordingError('invalid_state', `call '${callId}' is already being recorded`);
      followOn.add(callId);
      await start(live, by);
      const row = live.recordingId ? store.get(live.recordingId) : store.list({ callId, limit: 1, offset: 0 }).items[0];
      if (!row) throw new RecordingError('invalid_state', 'the recording did not start');
      return row;
    },

    /** On demand: stop now; the segment is stored like any other. */
    async stop(callId: string, by: string, agentId?: string): Promise<RecordingRow> {
      const live = liveFor(callId);
      if (agentId !== undefined && live.conversation.agentId !== agentId) throw new RecordingError('forbidden', 'an agent may stop only their own recording');
      const id = live.recordingId;
      if (!id) throw new RecordingError('not_recording', `call '${callId}' is not being recorded`);
      followOn.delete(callId);
      const row = store.get(id)!;
      store.audit({ at: now(), recordingId: id, callId, action: 'stopped', actor: by, reason: 'on demand' });
      await stopLive(live);
      return store.get(id) ?? row;
    },

    /**
     * After a (re)start: segments left running by a previous process whose conversation was not
     * re-adopted have ended in Asterisk or must be ended now; either way, store what exists.
     */
    async reconcile() {
      const adopted = new Set([...byBridge.values()].map((l) => l.recordingId));
      for (const row of store.unfinished()) {
        if (adopted.has(row.id) || finishing.has(row.id)) continue;
        await telephony.stopRecording(row.id).catch(() => undefined);
        await finish(row.id);
      }
    },

    /** Deletes files past their queue's retention; legal holds are skipped. Returns how many. */
    async purge(): Promise<number> {
      let purged = 0;
      for (;;) {
        const due = store.dueForPurge(now(), 200);
        if (due.length === 0) return purged;
        for (const row of due) {
          if (row.file) await files.remove(row.file);
          store.update(row.id, { deletedAt: now() });
          store.audit({ at: now(), recordingId: row.id, callId: row.callId, action: 'purged', actor: 'retention', reason: `retention ended ${new Date(row.retainUntil ?? 0).toISOString()}` });
          purged++;
        }
      }
    },

    setLegalHold(id: string, held: boolean, by: string, reason: string): RecordingRow {
      const row = store.get(id);
      if (!row || row.deletedAt !== null) throw new RecordingError('not_found', `recording '${id}' not found`);
      if (row.legalHold !== held) {
        store.update(id, { legalHold: held });
        store.audit({ at: now(), recordingId: id, callId: row.callId, action: held ? 'hold.set' : 'hold.released', actor: by, reason });
      }
      return store.get(id)!;
    },

    async delete(id: string, by: string, reason: string): Promise<void> {
      const row = store.get(id);
      if (!row || row.deletedAt !== null) throw new RecordingError('not_found', `recording '${id}' not found`);
      if (row.legalHold) throw new RecordingError('invalid_state', `recording '${id}' is on legal hold; release the hold first`);
      if (row.status === 'recording' || row.status === 'paused') throw new RecordingError('invalid_state', `recording '${id}' is still running`);
      if (row.file) await files.remove(row.file);
      store.update(id, { deletedAt: now() });
      store.audit({ at: now(), recordingId: id, callId: row.callId, action: 'deleted', actor: by, reason });
      journal(row, 'recording.segment.deleted', { by, reason });
    },

    /** Conversations being recorded now, by call (for tests and the live view). */
    liveRecording(callId: string): string | null {
      return byCall.get(callId)?.recordingId ?? null;
    },

    /** Resolves when every segment being stored has been (tests, shutdown). */
    async idle(): Promise<void> {
      while (finishing.size > 0 || inFlight.size > 0) await Promise.all([...finishing.values(), ...inFlight]);
    },
  };
}

export type RecordingService = ReturnType<typeof createRecordingService>;
