import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRecordingFiles } from '../../../src/adapters/recordings/recording-files.js';
import { openDatabase, type Db } from '../../../src/adapters/sqlite/database.js';
import { createSqliteCallStore } from '../../../src/adapters/sqlite/sqlite-call-store.js';
import { createSqliteRecordingStore } from '../../../src/adapters/sqlite/sqlite-recording-store.js';
import type { QueueConfig, QueueRecording } from '../../../src/core/acd/acd-types.js';
import type { RecordingFiles } from '../../../src/ports/recording-files.js';
import type { RecordingRow, RecordingStore } from '../../../src/ports/recording-store.js';
import { TelephonyError } from '../../../src/ports/telephony.js';
import { createRecordingService, RecordingError, type Conversation, type RecordingService } from '../../../src/services/recording-service.js';
import { queue } from '../core/acd/acd-fixtures.js';
import { FakeTelephony } from '../support/fake-telephony.js';
import { fakeClock, silentLogger, tempDir } from '../support/helpers.js';
import { wav } from '../support/wav.js';

const T0 = Date.UTC(2026, 10, 23, 9, 0, 0);
const DAY = 86_400_000;

const sha256 = (buf: Buffer) => createHash('sha256').update(buf).digest('hex');

interface JournalRow { callId: string; at: number; type: string; data: Record<string, unknown> }

const conversation = (over: Partial<Conversation> = {}): Conversation => ({
  bridgeId: 'br-1',
  callId: 'call-1',
  interactionId: 'i-1',
  queueId: 'support',
  agentId: 'sam',
  peer: null,
  callerNumber: '+33611111111',
  ...over,
});

const policy = (mode: QueueRecording['mode'], over: Partial<QueueRecording> = {}): QueueRecording => ({ mode, consentPrompt: null, retentionDays: null, ...over });

describe('recording service', () => {
  let cleanup: () => void;
  let dir: string;
  let db: Db;
  let store: RecordingStore;
  let files: RecordingFiles;
  let telephony: FakeTelephony;
  let clock: ReturnType<typeof fakeClock>;
  let journal: JournalRow[];
  let queues: Map<string, QueueConfig>;
  let metrics: { started: number; failed: string[]; recordingStarted(): void; recordingFailed(reason: string): void };
  let service: RecordingService;

  const build = (over: { files?: RecordingFiles } = {}) => {
    service = createRecordingService({
      telephony,
      store,
      files: over.files ?? files,
      callJournal: (callId, at, type, data) => void journal.push({ callId, at, type, data }),
      queue: (id) => queues.get(id),
      now: clock.now,
      logger: silentLogger(),
      metrics,
      fetchRetryMs: 1,
    });
  };

  beforeEach(() => {
    ({ dir, cleanup } = tempDir());
    db = openDatabase(':memory:');
    const calls = createSqliteCallStore(db);
    for (const id of ['call-1', 'call-2']) {
      calls.startCall({ id, channelId: `ch-${id}`, direction: 'inbound', callerNumber: '+33611111111', callerName: 'Alice', dialed: '100', flowId: 'support', startedAt: T0 });
    }
    store = createSqliteRecordingStore(db);
    files = createRecordingFiles(join(dir, 'recordings'));
    telephony = new FakeTelephony();
    clock = fakeClock(T0);
    journal = [];
    queues = new Map([
      ['support', queue('support', { recording: policy('all', { retentionDays: 30 }) })],
      ['billing', queue('billing', { recording: policy('all') })],
      ['sales', queue('sales', { recording: policy('onDemand') })],
      ['quiet', queue('quiet', { recording: policy('never') })],
      ['legacy', queue('legacy')],
    ]);
    metrics = { started: 0, failed: [], recordingStarted: () => void metrics.started++, recordingFailed: (r) => void metrics.failed.push(r) };
    build();
  });
  afterEach(() => {
    db.close();
    cleanup();
  });

  const rowsOf = (callId: string) => store.list({ callId, limit: 50, offset: 0, includeDeleted: true }).items.sort((a, b) => a.segment - b.segment);
  const only = (callId = 'call-1'): RecordingRow => {
    const rows = rowsOf(callId);
    expect(rows).toHaveLength(1);
    return rows[0]!;
  };
  const types = () => journal.map((j) => j.type);
  const actions = (id: string) => store.auditTrail(id).map((a) => a.action);
  const errorCode = (promise: Promise<unknown>) =>
    promise.then(
      () => 'resolved',
      (err: unknown) => (err instanceof RecordingError ? err.code : `not a RecordingError: ${String(err)}`),
    );
  const started = async (over: Partial<Conversation> = {}) => {
    service.conversationStarted(conversation(over));
    await service.idle();
    return service.liveRecording(over.callId ?? 'call-1');
  };
  /** Asterisk ends the bridge's recording (the conversation is over) and has the file ready. */
  const endWith = async (id: string, audio: Buffer, bridgeId = 'br-1') => {
    telephony.stored.set(id, audio);
    service.conversationEnded(bridgeId);
    await service.idle();
  };

  describe('policy: when a conversation is recorded', () => {
    it('given a queue recording all calls, when the caller is bridged with an agent, then the bridge is recorded, a row is opened and the call journal says so', async () => {
      const id = await started();
      expect(id).toMatch(/^rec-[0-9a-f-]{36}$/);
      expect(telephony.callsOf('recordBridge')).toEqual([['br-1', id]]);
      expect(only()).toMatchObject({
        id, callId: 'call-1', segment: 1, interactionId: 'i-1', queueId: 'support', agentId: 'sam', peer: null, callerNumber: '+33611111111',
        status: 'recording', startedAt: T0, endedAt: null, retainUntil: T0 + 30 * DAY, pauses: [], legalHold: false,
      });
      expect(journal).toEqual([
        { callId: 'call-1', at: T0, type: 'recording.segment.started', data: { recordingId: id, segment: 1, by: 'policy', agentId: 'sam', queueId: 'support', peer: null } },
      ]);
      expect(metrics.started).toBe(1);
    });

    it.each([
      ['a queue that never records', { queueId: 'quiet' }],
      ['a queue written before recording existed (no policy)', { queueId: 'legacy' }],
      ['an onDemand queue nobody started', { queueId: 'sales' }],
      ['a transfer to a number (no queue)', { queueId: null, agentId: null, peer: '+33140000000' }],
    ])('given %s, when the conversation starts, then nothing is recorded', async (_what, over) => {
      expect(await started(over)).toBeNull();
      expect(telephony.calls).toEqual([]);
      expect(rowsOf('call-1')).toEqual([]);
      expect(journal).toEqual([]);
    });

    it('given a queue that never records and a flow whose queue node says all, when the conversation starts, then the flow wins and it is recorded', async () => {
      expect(await started({ queueId: 'quiet', mode: 'all' })).not.toBeNull();
      expect(telephony.methods()).toEqual(['recordBridge']);
    });

    it('given a queue that records all and a flow whose queue node says never, when the conversation starts, then the flow wins and nothing is recorded', async () => {
      expect(await started({ mode: 'never' })).toBeNull();
      expect(telephony.calls).toEqual([]);
    });

    it('given a queue with a consent prompt, when recording starts, then the prompt is played on the bridge after the recording began (so the file holds it)', async () => {
      queues.set('support', queue('support', { recording: policy('all', { consentPrompt: 'sound:custom/recorded-call' }) }));
      const id = await started();
      expect(telephony.methods()).toEqual(['recordBridge', 'playOnBridge']);
      expect(telephony.callsOf('playOnBridge')).toEqual([['br-1', `consent-${id}`, ['sound:custom/recorded-call']]]);
    });

    it('given a consent prompt and a bridge Asterisk will not record, when the conversation starts, then no prompt is played and the segment is failed', async () => {
      queues.set('support', queue('support', { recording: policy('all', { consentPrompt: 'sound:custom/recorded-call' }) }));
      telephony.fail('recordBridge', new TelephonyError('rejected', 'recordBridge: No such file or directory'));
      expect(await started()).toBeNull();
      expect(telephony.methods()).toEqual(['recordBridge']);
      expect(only()).toMatchObject({ status: 'failed', failure: 'could not start: recordBridge: No such file or directory', endedAt: T0 });
      expect(types()).toEqual(['recording.segment.started', 'recording.segment.failed']);
      expect(metrics.failed).toEqual(['start']);
    });
  });

  describe('storing a finished segment', () => {
    it('given a recorded conversation of 3 s, when it ends, then the file is fetched, stored with its hash and duration, journaled, and the spool copy deleted', async () => {
      const id = (await started())!;
      clock.advance(3_000);
      const audio = wav(3);
      await endWith(id, audio);
      expect(telephony.methods()).toEqual(['recordBridge', 'stopRecording', 'storedRecording', 'deleteStoredRecording']);
      expect(telephony.stored.has(id)).toBe(false);
      const row = only();
      expect(row).toMatchObject({ status: 'complete', endedAt: T0 + 3_000, durationMs: 3_000, sizeBytes: audio.length, sha256: sha256(audio), file: `2026/11/23/${id}.wav`, failure: null });
      expect(readFileSync(join(dir, 'recordings', row.file!)).equals(audio)).toBe(true);
      expect(journal.at(-1)).toEqual({ callId: 'call-1', at: T0 + 3_000, type: 'recording.segment.stopped', data: { recordingId: id, segment: 1, durationMs: 3_000, sizeBytes: audio.length, sha256: sha256(audio) } });
      expect(service.liveRecording('call-1')).toBeNull();
    });

    it('given Asterisk ends the recording under a conversation that goes on, when RecordingFinished comes, then what there is gets stored and the call is no longer recorded', async () => {
      const id = (await started())!;
      telephony.stored.set(id, wav(1));
      service.handle({ type: 'bridgeRecording', at: T0, bridgeId: 'br-1', name: id, state: 'finished', durationSec: 1, cause: null });
      await service.idle();
      expect(only().status).toBe('complete');
      expect(service.liveRecording('call-1')).toBeNull();
      await expect(errorCode(service.pause('call-1', 'sam', 'card'))).resolves.toBe('not_recording');
      service.conversationEnded('br-1');
      await service.idle();
      expect(telephony.callsOf('stopRecording')).toEqual([]);
    });

    it('given the stopped file is not in the spool yet, when it ends, then the fetch is retried until Asterisk has it', async () => {
      const id = (await started())!;
      telephony.fail('storedRecording', new TelephonyError('channel_gone', 'not stored yet'));
      telephony.fail('storedRecording', new TelephonyError('channel_gone', 'not stored yet'));
      await endWith(id, wav(1));
      expect(telephony.callsOf('storedRecording')).toHaveLength(3);
      expect(only().status).toBe('complete');
    });

    it('given Asterisk never stores the file, when it ends, then after the retries the segment is failed with the reason', async () => {
      const id = (await started())!;
      service.conversationEnded('br-1');
      await service.idle();
      expect(telephony.callsOf('storedRecording')).toHaveLength(10);
      expect(only()).toMatchObject({ status: 'failed', failure: 'Asterisk stored no file for it (can it write its recording directory?)', file: null });
      expect(types()).toEqual(['recording.segment.started', 'recording.segment.failed']);
      expect(metrics.failed).toEqual(['asterisk']);
    });

    it('given ARI is unavailable when fetching, when it ends, then the segment fails at once (no retry) with the reason', async () => {
      const id = (await started())!;
      telephony.fail('storedRecording', new TelephonyError('unavailable', 'storedRecording: ECONNREFUSED'));
      await endWith(id, wav(1));
      expect(telephony.callsOf('storedRecording')).toHaveLength(1);
      expect(only()).toMatchObject({ status: 'failed', failure: 'could not store the file: storedRecording: ECONNREFUSED' });
    });

    it('given a full disk (ENOSPC), when the segment is stored, then it is failed as disk_full and Asterisk keeps its copy for an admin to recover', async () => {
      const fullDisk: RecordingFiles = {
        ...files,
        save: async (_id, _at, audio) => {
          for await (const _chunk of audio) break;
          throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
        },
      };
      build({ files: fullDisk });
      const id = (await started())!;
      await endWith(id, wav(1));
      expect(only()).toMatchObject({ status: 'failed', failure: 'could not store the file: ENOSPC: no space left on device, write' });
      expect(metrics.failed).toEqual(['disk_full']);
      expect(telephony.callsOf('deleteStoredRecording')).toEqual([]);
      expect(telephony.stored.has(id)).toBe(true);
      expect(actions(id)).toEqual(['failed']);
    });

    it('given Asterisk reports RecordingFailed, when handled, then the segment is failed, journaled and counted, and nothing is done to the call', async () => {
      const id = (await started())!;
      clock.advance(500);
      service.handle({ type: 'bridgeRecording', at: T0 + 500, bridgeId: 'br-1', name: id, state: 'failed', durationSec: null, cause: 'disk write error' });
      await service.idle();
      expect(only()).toMatchObject({ status: 'failed', failure: 'disk write error', endedAt: T0 + 500 });
      expect(journal.at(-1)).toEqual({ callId: 'call-1', at: T0 + 500, type: 'recording.segment.failed', data: { recordingId: id, segment: 1, reason: 'disk write error' } });
      expect(metrics.failed).toEqual(['asterisk']);
      expect(telephony.methods()).toEqual(['recordBridge']);
      expect(service.liveRecording('call-1')).toBeNull();
      // The conversation ending later has nothing left to stop.
      service.conversationEnded('br-1');
      await service.idle();
      expect(telephony.methods()).toEqual(['recordBridge']);
      expect(only().status).toBe('failed');
    });

    it('given RecordingStarted, when handled, then nothing changes', async () => {
      const id = (await started())!;
      service.handle({ type: 'bridgeRecording', at: T0, bridgeId: 'br-1', name: id, state: 'started', durationSec: null, cause: null });
      await service.idle();
      expect(only().status).toBe('recording');
    });
  });

  describe('pauses', () => {
    it('given a recorded conversation, when the agent pauses for 3 s and resumes, then Asterisk pauses and resumes, the pause is kept with who and why, audited and journaled', async () => {
      const id = (await started())!;
      clock.advance(1_500);
      const paused = await service.pause('call-1', 'sam', 'card number', 'sam');
      expect(paused).toMatchObject({ status: 'paused', pauses: [{ at: T0 + 1_500, until: null, by: 'sam', reason: 'card number' }] });
      clock.advance(3_000);
      const resumed = await service.resume('call-1', 'sam', 'done', 'sam');
      expect(resumed).toMatchObject({ status: 'recording', pauses: [{ at: T0 + 1_500, until: T0 + 4_500, by: 'sam', reason: 'card number' }] });
      expect(telephony.methods()).toEqual(['recordBridge', 'pauseRecording', 'resumeRecording']);
      expect(telephony.callsOf('pauseRecording')).toEqual([[id]]);
      expect(store.auditTrail(id).map(({ action, actor, reason }) => ({ action, actor, reason }))).toEqual([
        { action: 'paused', actor: 'sam', reason: 'card number' },
        { action: 'resumed', actor: 'sam', reason: 'done' },
      ]);
      expect(journal.slice(1).map((j) => [j.type, j.data.by, j.data.reason])).toEqual([['recording.segment.paused', 'sam', 'card number'], ['recording.segment.resumed', 'sam', 'done']]);
    });

    it('given a conversation paused and never resumed, when it ends, then the open pause is closed at the end', async () => {
      const id = (await started())!;
      clock.advance(1_000);
      await service.pause('call-1', 'sup', 'card number');
      clock.advance(2_000);
      await endWith(id, wav(1));
      expect(only()).toMatchObject({ status: 'complete', endedAt: T0 + 3_000, pauses: [{ at: T0 + 1_000, until: T0 + 3_000 }] });
    });

    it('given a pause Asterisk refuses, when retried, then the second pause really pauses (the refused one left no hold behind)', async () => {
      await started();
      telephony.fail('pauseRecording', new TelephonyError('rejected', 'pauseRecording: boom'));
      await expect(errorCode(service.pause('call-1', 'sam', 'card'))).resolves.toBe('invalid_state');
      expect(only()).toMatchObject({ status: 'recording', pauses: [] });
      await expect(service.pause('call-1', 'sam', 'card')).resolves.toMatchObject({ status: 'paused' });
      expect(telephony.callsOf('pauseRecording')).toHaveLength(2);
    });

    it('given a resume Asterisk refuses, when retried, then the second resume really resumes', async () => {
      await started();
      await service.pause('call-1', 'sam', 'card');
      telephony.fail('resumeRecording', new TelephonyError('rejected', 'resumeRecording: boom'));
      await expect(errorCode(service.resume('call-1', 'sam', 'done'))).resolves.toBe('invalid_state');
      expect(only().status).toBe('paused');
      await expect(service.resume('call-1', 'sam', 'done')).resolves.toMatchObject({ status: 'recording' });
      expect(telephony.callsOf('resumeRecording')).toHaveLength(2);
    });

    it('given a masked collect pausing the recording, when the agent pauses and resumes meanwhile, then it stays paused (resume.deferred) until the mask ends', async () => {
      const id = (await started())!;
      clock.advance(1_000);
      service.onMask('call-1', true, 'card');
      await service.idle();
      expect(only()).toMatchObject({ status: 'paused', pauses: [{ at: T0 + 1_000, until: null, by: 'flow', reason: 'masked input (card)' }] });
      await service.pause('call-1', 'sam', 'card number', 'sam');
      clock.advance(1_000);
      await expect(service.resume('call-1', 'sam', 'done', 'sam')).resolves.toMatchObject({ status: 'paused' });
      expect(telephony.methods()).toEqual(['recordBridge', 'pauseRecording']);
      clock.advance(1_000);
      service.onMask('call-1', false, 'card');
      await service.idle();
      expect(telephony.methods()).toEqual(['recordBridge', 'pauseRecording', 'resumeRecording']);
      expect(only()).toMatchObject({ status: 'recording', pauses: [{ at: T0 + 1_000, until: T0 + 3_000, by: 'flow' }] });
      expect(actions(id)).toEqual(['paused', 'paused', 'resume.deferred', 'resumed']);
      expect(store.auditTrail(id)[2]).toMatchObject({ actor: 'sam', reason: 'still paused: mask' });
    });

    it('given the agent paused, when a masked collect starts and ends, then the recording stays paused until the agent resumes', async () => {
      await started();
      await service.pause('call-1', 'sam', 'card number');
      service.onMask('call-1', true, 'card');
      service.onMask('call-1', false, 'card');
      await service.idle();
      expect(only().status).toBe('paused');
      expect(telephony.methods()).toEqual(['recordBridge', 'pauseRecording']);
      await expect(service.resume('call-1', 'sam', 'done')).resolves.toMatchObject({ status: 'recording' });
    });

    it('given a masked collect running when the conversation starts, when it is recorded, then it starts paused and resumes when the mask ends', async () => {
      service.onMask('call-1', true, 'pin');
      const id = (await started())!;
      expect(telephony.methods()).toEqual(['recordBridge', 'pauseRecording']);
      expect(only()).toMatchObject({ status: 'paused', pauses: [{ at: T0, until: null, by: 'flow', reason: 'masked input' }] });
      clock.advance(2_000);
      service.onMask('call-1', false, 'pin');
      await service.idle();
      expect(only()).toMatchObject({ status: 'recording', pauses: [{ at: T0, until: T0 + 2_000 }] });
      expect(actions(id)).toEqual(['paused', 'resumed']);
    });

    it('given a masked collect running in an onDemand conversation, when the agent starts recording, then it starts paused (the card number is not recorded)', async () => {
      await started({ queueId: 'sales' });
      service.onMask('call-1', true, 'card');
      await service.idle();
      await expect(service.start('call-1', 'sam', 'sam')).resolves.toMatchObject({ status: 'paused', pauses: [{ by: 'flow', reason: 'masked input' }] });
      expect(telephony.methods()).toEqual(['recordBridge', 'pauseRecording']);
    });

    it('given a masked collect, when the agent stops and starts again while it runs, then the new segment starts paused too', async () => {
      await started({ queueId: 'sales' });
      const first = await service.start('call-1', 'sam');
      service.onMask('call-1', true, 'card');
      telephony.stored.set(first.id, wav(1));
      await service.stop('call-1', 'sam');
      await expect(service.start('call-1', 'sam')).resolves.toMatchObject({ segment: 2, status: 'paused' });
    });

    it('given the masked collect ended before the conversation started, when it is recorded, then it is not paused', async () => {
      service.onMask('call-1', true, 'pin');
      service.onMask('call-1', false, 'pin');
      await started();
      expect(telephony.methods()).toEqual(['recordBridge']);
      expect(only().status).toBe('recording');
    });
  });

  describe('live controls', () => {
    it('given sam talking, when another agent pauses, resumes, starts or stops, then each is forbidden and nothing happens', async () => {
      await started();
      for (const run of [
        () => service.pause('call-1', 'ann', 'x', 'ann'),
        () => service.resume('call-1', 'ann', 'x', 'ann'),
        () => service.start('call-1', 'ann', 'ann'),
        () => service.stop('call-1', 'ann', 'ann'),
      ]) {
        await expect(errorCode(run())).resolves.toBe('forbidden');
      }
      expect(telephony.methods()).toEqual(['recordBridge']);
    });

    it('given a call talking to nobody, when paused, then it is not_found; given a conversation not recorded, when paused or stopped, then not_recording', async () => {
      await expect(errorCode(service.pause('call-2', 'sup', 'x'))).resolves.toBe('not_found');
      await started({ queueId: 'sales' });
      await expect(errorCode(service.pause('call-1', 'sup', 'x'))).resolves.toBe('not_recording');
      await expect(errorCode(service.resume('call-1', 'sup', 'x'))).resolves.toBe('not_recording');
      await expect(errorCode(service.stop('call-1', 'sup'))).resolves.toBe('not_recording');
    });

    it('given an onDemand queue, when the agent starts and later stops, then the segment is recorded from then and stored on stop', async () => {
      await started({ queueId: 'sales' });
      clock.advance(5_000);
      const row = await service.start('call-1', 'sam', 'sam');
      expect(row).toMatchObject({ segment: 1, status: 'recording', startedAt: T0 + 5_000, agentId: 'sam' });
      expect(journal[0]).toMatchObject({ type: 'recording.segment.started', data: { by: 'sam' } });
      await expect(errorCode(service.start('call-1', 'sam', 'sam'))).resolves.toBe('invalid_state');
      clock.advance(2_000);
      telephony.stored.set(row.id, wav(2));
      await expect(service.stop('call-1', 'sam', 'sam')).resolves.toMatchObject({ id: row.id, status: 'complete', durationMs: 2_000 });
      expect(telephony.callsOf('stopRecording')).toEqual([[row.id]]);
      expect(store.auditTrail(row.id)).toMatchObject([{ action: 'stopped', actor: 'sam', reason: 'on demand' }]);
    });

    it('given a queue that never records, when an agent asks to start, then it is refused', async () => {
      await started({ queueId: 'quiet' });
      await expect(errorCode(service.start('call-1', 'sam'))).resolves.toBe('invalid_state');
      expect(telephony.calls).toEqual([]);
    });

    it('given Asterisk refuses an on-demand start, when started, then the failed row comes back', async () => {
      await started({ queueId: 'sales' });
      telephony.fail('recordBridge');
      await expect(service.start('call-1', 'sam')).resolves.toMatchObject({ status: 'failed', failure: 'could not start: recordBridge rejected' });
    });
  });

  describe('transfers and segments', () => {
    it('given a recorded caller, when transferred to another queue, then the second conversation is segment 2 and both are stored', async () => {
      const first = (await started())!;
      clock.advance(2_000);
      await endWith(first, wav(2));
      const second = (await started({ bridgeId: 'br-2', queueId: 'billing', agentId: 'bill', interactionId: 'i-2' }))!;
      clock.advance(3_000);
      await endWith(second, wav(3), 'br-2');
      expect(rowsOf('call-1').map((r) => [r.segment, r.agentId, r.queueId, r.status, r.durationMs])).toEqual([
        [1, 'sam', 'support', 'complete', 2_000],
        [2, 'bill', 'billing', 'complete', 3_000],
      ]);
    });

    it('given an onDemand recording started, when the call is transferred, then the next segment records too (follow-on)', async () => {
      await started({ queueId: 'sales' });
      const first = await service.start('call-1', 'sam');
      await endWith(first.id, wav(1));
      const second = await started({ bridgeId: 'br-2', queueId: 'sales', agentId: 'ann' });
      expect(second).not.toBeNull();
      expect(rowsOf('call-1').map((r) => [r.segment, r.agentId])).toEqual([[1, 'sam'], [2, 'ann']]);
      expect(journal.filter((j) => j.type === 'recording.segment.started').map((j) => j.data.by)).toEqual(['sam', 'follow-on']);
    });

    it('given an onDemand recording stopped by the agent, when the call is transferred, then the next segment is not recorded', async () => {
      await started({ queueId: 'sales' });
      const first = await service.start('call-1', 'sam');
      telephony.stored.set(first.id, wav(1));
      await service.stop('call-1', 'sam');
      service.conversationEnded('br-1');
      expect(await started({ bridgeId: 'br-2', queueId: 'sales', agentId: 'ann' })).toBeNull();
      expect(rowsOf('call-1')).toHaveLength(1);
    });

    it('given an onDemand recording on another call, when this call is transferred, then this one is not recorded', async () => {
      await started({ queueId: 'sales', callId: 'call-2', bridgeId: 'br-9' });
      await service.start('call-2', 'sam');
      await started({ queueId: 'sales' });
      expect(service.liveRecording('call-1')).toBeNull();
    });
  });

  describe('after a restart', () => {
    const leftRunning = (id: string, over: Partial<RecordingRow> = {}) => {
      store.insert({ id, callId: 'call-1', segment: 1, interactionId: 'i-1', queueId: 'support', agentId: 'sam', peer: null, callerNumber: '+33611111111', startedAt: T0 - 60_000, retainUntil: null });
      if (over.status) store.update(id, { status: over.status, pauses: over.pauses ?? [] });
    };

    it('given a segment a previous process left running, when its conversation is adopted and later ends, then the same row goes on and is stored whole', async () => {
      leftRunning('rec-old');
      service.conversationAdopted(conversation());
      expect(service.liveRecording('call-1')).toBe('rec-old');
      await service.reconcile();
      expect(telephony.calls).toEqual([]);
      await endWith('rec-old', wav(4));
      expect(telephony.methods()).toEqual(['stopRecording', 'storedRecording', 'deleteStoredRecording']);
      expect(only()).toMatchObject({ id: 'rec-old', status: 'complete', durationMs: 4_000 });
    });

    it('given a segment left paused, when adopted, then a resume resumes it', async () => {
      leftRunning('rec-old', { status: 'paused', pauses: [{ at: T0 - 1_000, until: null, by: 'sam', reason: 'card' }] });
      service.conversationAdopted(conversation());
      await expect(service.resume('call-1', 'sam', 'done')).resolves.toMatchObject({ status: 'recording', pauses: [{ until: T0 }] });
      expect(telephony.callsOf('resumeRecording')).toEqual([['rec-old']]);
    });

    it('given segments left running whose conversations were not adopted, when reconciled, then each is stopped and stored, or failed when Asterisk has no file', async () => {
      leftRunning('rec-orphan');
      store.insert({ id: 'rec-lost', callId: 'call-2', segment: 1, interactionId: null, queueId: 'support', agentId: 'ann', peer: null, callerNumber: '', startedAt: T0 - 30_000, retainUntil: null });
      telephony.stored.set('rec-orphan', wav(2));
      await service.reconcile();
      await service.idle();
      expect(telephony.callsOf('stopRecording')).toEqual([['rec-orphan'], ['rec-lost']]);
      expect(store.get('rec-orphan')).toMatchObject({ status: 'complete', durationMs: 2_000, endedAt: T0 });
      expect(store.get('rec-lost')).toMatchObject({ status: 'failed', failure: 'Asterisk stored no file for it (can it write its recording directory?)' });
    });
  });

  describe('retention, legal hold and deletion', () => {
    /** A stored segment of `callId`, started at `at` under the support queue (30 days). */
    const stored = async (callId: string, bridgeId: string) => {
      const id = (await started({ callId, bridgeId }))!;
      await endWith(id, wav(1), bridgeId);
      return store.get(id)!;
    };

    it('given segments past retention, one on legal hold and one already deleted, when purged, then only the due one loses its file, audited; a second purge does nothing', async () => {
      const due = await stored('call-1', 'br-1');
      const held = await stored('call-1', 'br-2');
      const gone = await stored('call-2', 'br-3');
      service.setLegalHold(held.id, true, 'legal', 'case 42');
      await service.delete(gone.id, 'ops', 'asked');
      clock.advance(30 * DAY);
      await expect(service.purge()).resolves.toBe(1);
      expect(existsSync(join(dir, 'recordings', due.file!))).toBe(false);
      expect(existsSync(join(dir, 'recordings', held.file!))).toBe(true);
      expect(store.get(due.id)).toMatchObject({ deletedAt: T0 + 30 * DAY, status: 'complete' });
      expect(store.auditTrail(due.id)).toMatchObject([{ action: 'purged', actor: 'retention', reason: `retention ended ${new Date(T0 + 30 * DAY).toISOString()}` }]);
      expect(actions(gone.id)).toEqual(['deleted']);
      await expect(service.purge()).resolves.toBe(0);
    });

    it('given a segment a day before its retention ends, when purged, then it stays', async () => {
      const row = await stored('call-1', 'br-1');
      clock.advance(29 * DAY);
      await expect(service.purge()).resolves.toBe(0);
      expect(store.get(row.id)!.deletedAt).toBeNull();
    });

    it('given a hold set twice and released, when audited, then one entry per change', async () => {
      const row = await stored('call-1', 'br-1');
      expect(service.setLegalHold(row.id, true, 'legal', 'case 42').legalHold).toBe(true);
      service.setLegalHold(row.id, true, 'legal', 'again');
      expect(service.setLegalHold(row.id, false, 'legal', 'case closed').legalHold).toBe(false);
      expect(store.auditTrail(row.id).map((a) => [a.action, a.reason])).toEqual([['hold.set', 'case 42'], ['hold.released', 'case closed']]);
      expect(() => service.setLegalHold('rec-nope', true, 'legal', 'x')).toThrow(RecordingError);
    });

    it('given a segment on legal hold, when deleted, then it is refused and the file stays', async () => {
      const row = await stored('call-1', 'br-1');
      service.setLegalHold(row.id, true, 'legal', 'case 42');
      await expect(errorCode(service.delete(row.id, 'ops', 'asked'))).resolves.toBe('invalid_state');
      expect(existsSync(join(dir, 'recordings', row.file!))).toBe(true);
    });

    it('given a segment still recording, when deleted, then it is refused', async () => {
      const id = (await started())!;
      await expect(errorCode(service.delete(id, 'ops', 'asked'))).resolves.toBe('invalid_state');
      expect(only().deletedAt).toBeNull();
    });

    it('given a stored segment, when deleted, then the file goes, the row stays marked with the audit and the journal saying who and why; a second delete is not_found', async () => {
      const row = await stored('call-1', 'br-1');
      clock.advance(60_000);
      await service.delete(row.id, 'ops', 'GDPR request');
      expect(existsSync(join(dir, 'recordings', row.file!))).toBe(false);
      expect(store.get(row.id)).toMatchObject({ deletedAt: T0 + 60_000 });
      expect(store.auditTrail(row.id)).toMatchObject([{ action: 'deleted', actor: 'ops', reason: 'GDPR request', at: T0 + 60_000 }]);
      expect(journal.at(-1)).toMatchObject({ type: 'recording.segment.deleted', data: { recordingId: row.id, by: 'ops', reason: 'GDPR request' } });
      await expect(errorCode(service.delete(row.id, 'ops', 'again'))).resolves.toBe('not_found');
      await expect(errorCode(service.delete('rec-nope', 'ops', 'x'))).resolves.toBe('not_found');
    });

    it('given a failed segment without a file, when deleted, then the row is marked deleted', async () => {
      telephony.fail('recordBridge');
      await started();
      const row = only();
      await service.delete(row.id, 'ops', 'cleanup');
      expect(store.get(row.id)!.deletedAt).toBe(T0);
    });
  });
});
