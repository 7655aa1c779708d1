import { createHash } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { clearAsterisk, waitFor } from './support/asterisk.js';
import { acdServer } from './support/acd-server.js';
import { sippCall } from './support/sipp.js';
import type { AgentOptions } from './support/sipp-agent.js';

// Conversation recordings on the real stack: Asterisk records the caller-agent bridge, the server
// fetches the file over ARI, hashes and stores it; the API serves it with range requests. The
// caller streams audio (PCMA) for the whole call so the recording has media throughout.

const FLOWS = resolve(import.meta.dirname, 'flows-acd');
/** Where Asterisk writes recordings: in the sandbox chroot (scripts/asterisk.sh), or a native install's. */
const CHROOT = process.env.SWITCHBOARD_ASTERISK_ROOT ?? '/var/lib/switchboard/asterisk-root';
const SPOOL = existsSync(`${CHROOT}/var/spool/asterisk/recording`) ? `${CHROOT}/var/spool/asterisk/recording` : '/var/spool/asterisk/recording';

interface Recording {
  id: string;
  callId: string;
  segment: number;
  agentId: string | null;
  status: string;
  durationSec: number | null;
  sizeBytes: number | null;
  sha256: string | null;
  failure: string | null;
  pauses: { at: string; until: string | null; by: string; reason: string }[];
  audioUrl: string | null;
}

/** Seconds of audio in a WAV, from its header (what a player shows). */
function wavSeconds(buf: Buffer): number {
  expect(buf.toString('ascii', 0, 4)).toBe('RIFF');
  expect(buf.toString('ascii', 8, 12)).toBe('WAVE');
  let offset = 12;
  let byteRate = 0;
  while (offset + 8 <= buf.length) {
    const id = buf.toString('ascii', offset, offset + 4);
    const size = buf.readUInt32LE(offset + 4);
    if (id === 'fmt ') byteRate = buf.readUInt32LE(offset + 16);
    if (id === 'data') return size / byteRate;
    offset += 8 + size + (size % 2);
  }
  throw new Error('no data chunk');
}

describe('call recording with SIPp callers and agents', () => {
  const acd = acdServer({ flowsDir: FLOWS, entryFlow: 'support' });

  beforeEach(async () => {
    await clearAsterisk();
    await acd.fresh();
    await acd.skills('billing', 'support');
  });
  afterEach(() => acd.stop());

  const { post } = acd;
  const download = (path: string, headers: Record<string, string> = {}, as = acd.key) => fetch(acd.server.url + path, { headers: { authorization: `Bearer ${as}`, ...headers } });
  const queue = (id: string, recording: Record<string, unknown>) =>
    acd.queue(id, { hold: { moh: 'default', announceEverySec: null, announcePosition: false, announceWait: false }, recording });
  const agent = (id: string, phone: AgentOptions, skills: Record<string, number>) => acd.agent(id, phone, skills);
  /** A trunk caller sending PCMA for `mediaMs`, until the server hangs up. */
  const caller = (mediaMs: number) => sippCall({ scenario: 'caller-dtmf', service: '401', dtmf: [], mediaMs, timeoutS: 60 });
  const lastCallId = async (): Promise<string> => (await acd.get('/api/v1/calls?limit=1')).body.items[0].id;
  const recordingsOf = async (callId: string): Promise<Recording[]> =>
    ((await acd.get(`/api/v1/recordings?callId=${callId}`)).body.items as Recording[]).sort((a, b) => a.segment - b.segment);
  const settled = async (callId: string, count: number) => {
    await waitFor(async () => {
      const rows = await recordingsOf(callId);
      return rows.length === count && rows.every((r) => r.status === 'complete' || r.status === 'failed');
    }, 15_000, `${count} stored recording(s) of ${callId}`);
    return recordingsOf(callId);
  };
  const onCall = (id: string) => waitFor(async () => (await acd.get(`/api/v1/agents/${id}`)).body.live?.activity === 'onCall', 15_000, `${id} on the call`);

  it('given a queue that records all calls, when an agent talks 4 s with a caller, then a playable WAV of that length is stored with its hash, served with range requests, and only to those allowed', async () => {
    await queue('support', { mode: 'all', retentionDays: 30, consentPrompt: 'sound:beep' });
    await agent('sam', { user: '1002', behaviour: 'answer', holdMs: 4_000 }, { support: 1 });
    await agent('ann', { user: '1001', behaviour: 'answer' }, { billing: 1 });
    const result = await caller(12_000).done;
    expect(result.code, result.output).toBe(0);

    const callId = await lastCallId();
    const [rec] = await settled(callId, 1);
    expect(rec).toMatchObject({ segment: 1, agentId: 'sam', status: 'complete', failure: null });
    // The consent notice was played into the recorded bridge (a failure would be logged).
    expect(readFileSync(acd.server.logFile, 'utf8')).not.toMatch(/consent prompt failed/);
    const detail = (await acd.get(`/api/v1/recordings/${rec!.id}`)).body;
    expect(Date.parse(detail.retainUntil) - Date.parse(detail.startedAt)).toBe(30 * 86_400_000);
    expect(rec!.durationSec).toBeGreaterThan(3.2);
    expect(rec!.durationSec).toBeLessThan(5);

    const full = await download(rec!.audioUrl!);
    expect(full.status).toBe(200);
    expect(full.headers.get('content-type')).toBe('audio/wav');
    expect(full.headers.get('accept-ranges')).toBe('bytes');
    const wav = Buffer.from(await full.arrayBuffer());
    expect(wav.length).toBe(rec!.sizeBytes);
    expect(createHash('sha256').update(wav).digest('hex')).toBe(rec!.sha256);
    expect(wavSeconds(wav)).toBeCloseTo(rec!.durationSec!, 1);

    // A player seeking: the bytes it asks for, exactly.
    const part = await download(rec!.audioUrl!, { range: 'bytes=1000-1999' });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 1000-1999/${wav.length}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(wav.subarray(1000, 2000))).toBe(true);
    expect((await download(rec!.audioUrl!, { range: `bytes=${wav.length + 10}-` })).status).toBe(416);

    // The call's timeline has the recording; an agent key sees only its own agent's recordings.
    const types = ((await acd.get(`/api/v1/calls/${callId}`)).body.events as { type: string }[]).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['recording.segment.started', 'recording.segment.stopped']));
    const keyFor = async (agentId: string) => (await post('/api/v1/api-keys', { name: `key of ${agentId}`, role: 'agent', agentId })).body.key as string;
    const samKey = await keyFor('sam');
    const annKey = await keyFor('ann');
    expect((await download(rec!.audioUrl!, {}, samKey)).status).toBe(200);
    expect((await download(rec!.audioUrl!, {}, annKey)).status).toBe(404);
    expect(((await (await download('/api/v1/recordings', {}, annKey)).json()) as { total: number }).total).toBe(0);
    expect((await download('/api/v1/recordings/..%2F..%2Fswitchboard.db/audio')).status).toBe(404);
    expect((await download('/api/v1/recordings/nope/audio')).status).toBe(404);

    // The caller (+15145550100 from the trunk: caller-dtmf's) became a contact whose timeline has this call and its recording.
    const match = (await acd.get('/api/v1/contacts?identifier=%2B15145550100')).body;
    expect(match.items).toEqual([expect.objectContaining({ trusted: true })]);
    const contactTimeline = (await acd.get(`/api/v1/contacts/${match.items[0].contactId}/timeline`)).body;
    expect(contactTimeline.entries).toEqual([expect.objectContaining({ kind: 'call', call: expect.objectContaining({ id: callId, recordings: 1 }) })]);
  });

  it('given a recorded conversation, when the agent pauses the recording for 3 s and resumes, then the file leaves those 3 s out and the pause is journaled with who and why', async () => {
    await queue('support', { mode: 'all' });
    await agent('sam', { user: '1002', behaviour: 'answer', holdMs: 8_000 }, { support: 1 });
    const call = caller(16_000);
    await onCall('sam');
    const callId = await lastCallId();
    await new Promise((r) => setTimeout(r, 1_500));
    const paused = await post(`/api/v1/calls/${callId}/recording/pause`, { reason: 'card number' });
    expect(paused.status, JSON.stringify(paused.body)).toBe(200);
    expect(paused.body.status).toBe('paused');
    await new Promise((r) => setTimeout(r, 3_000));
    expect((await post(`/api/v1/calls/${callId}/recording/resume`, {})).status).toBe(200);
    const result = await call.done;
    expect(result.code, result.output).toBe(0);

    const [rec] = await settled(callId, 1);
    expect(rec!.status).toBe('complete');
    expect(rec!.pauses).toEqual([expect.objectContaining({ reason: 'card number', by: 'test admin' })]);
    const gapMs = Date.parse(rec!.pauses[0]!.until!) - Date.parse(rec!.pauses[0]!.at);
    expect(gapMs).toBeGreaterThan(2_800);
    // 8 s of conversation, 3 s of it paused.
    expect(rec!.durationSec).toBeGreaterThan(3.8);
    expect(rec!.durationSec).toBeLessThan(6.2);
    const audit = (await acd.get(`/api/v1/recordings/${rec!.id}`)).body.audit as { action: string; actor: string; reason: string }[];
    expect(audit.map((a) => a.action)).toEqual(['paused', 'resumed']);
    const events = (await acd.get(`/api/v1/calls/${callId}`)).body.events as { type: string; data: Record<string, unknown> }[];
    expect(events.find((e) => e.type === 'recording.segment.paused')?.data).toMatchObject({ by: 'test admin', reason: 'card number' });
  });

  it('given a recorded caller, when the agent blind-transfers them to another queue, then the recording follows: two linked segments, one per agent, none lost', async () => {
    await queue('support', { mode: 'all' });
    await queue('billing', { mode: 'all' });
    const ann = await agent('ann', { user: '1001', behaviour: 'answer' }, { support: 1 });
    await agent('bill', { user: '1002', behaviour: 'answer', holdMs: 3_000 }, { billing: 1 });
    const call = caller(20_000);
    await ann.waitForCalls(1);
    await onCall('ann');
    await new Promise((r) => setTimeout(r, 2_000));
    const interactionId = (await acd.get('/api/v1/agents/ann')).body.live.interactions[0];
    expect((await post(`/api/v1/interactions/${interactionId}/transfer`, { queue: 'billing' })).status).toBe(202);
    const result = await call.done;
    expect(result.code, result.output).toBe(0);

    const callId = await lastCallId();
    const [first, second] = await settled(callId, 2);
    expect(first).toMatchObject({ segment: 1, agentId: 'ann', status: 'complete' });
    expect(second).toMatchObject({ segment: 2, agentId: 'bill', status: 'complete' });
    expect(first!.durationSec).toBeGreaterThan(1.5);
    expect(second!.durationSec).toBeGreaterThan(2.2);
  });

  it('given a recording the server cannot store (the recordings directory is a file), when the call ends, then the call was not disturbed and the failure is on record', async () => {
    writeFileSync(join(acd.dataDir, 'recordings'), 'not a directory');
    await queue('support', { mode: 'all' });
    const sam = await agent('sam', { user: '1002', behaviour: 'answer', holdMs: 2_000 }, { support: 1 });
    const result = await caller(8_000).done;
    expect(result.code, result.output).toBe(0);
    expect(sam.calls()[0]?.end).toBe('agent');

    const callId = await lastCallId();
    const [rec] = await settled(callId, 1);
    expect(rec).toMatchObject({ status: 'failed', audioUrl: null });
    expect(rec!.failure).toMatch(/could not store/);
    expect((await acd.get(`/api/v1/calls/${callId}`)).body.call).toMatchObject({ status: 'ended', endReason: 'flow_hangup' });
    const types = ((await acd.get(`/api/v1/calls/${callId}`)).body.events as { type: string }[]).map((e) => e.type);
    expect(types).toContain('recording.segment.failed');
  });

  it('given Asterisk cannot write recordings (its spool directory read-only), when a recorded call is answered, then the conversation goes on and the failure is on record', async () => {
    await queue('support', { mode: 'all' });
    const sam = await agent('sam', { user: '1002', behaviour: 'answer', holdMs: 2_000 }, { support: 1 });
    const mode = statSync(SPOOL).mode & 0o777;
    chmodSync(SPOOL, 0o555);
    try {
      const result = await caller(8_000).done;
      expect(result.code, result.output).toBe(0);
    } finally {
      chmodSync(SPOOL, mode);
    }
    expect(sam.calls()[0]?.end).toBe('agent');
    const callId = await lastCallId();
    const [rec] = await settled(callId, 1);
    expect(rec).toMatchObject({ status: 'failed', audioUrl: null });
    expect((await acd.get(`/api/v1/calls/${callId}`)).body.call).toMatchObject({ status: 'ended', endReason: 'flow_hangup' });
    const metrics = await (await download('/metrics')).text();
    expect(metrics).toMatch(/switchboard_recordings_failed_total\{reason="asterisk"\} 1/);
    expect(rec!.failure).toMatch(/Asterisk stored no file/);
  });

  it('given a recorded conversation, when the server is killed and restarted mid-call, then the recording goes on and is stored whole when the call ends', async () => {
    await queue('support', { mode: 'all' });
    await agent('sam', { user: '1002', behaviour: 'answer', holdMs: 7_000 }, { support: 1 });
    const call = caller(14_000);
    await onCall('sam');
    await new Promise((r) => setTimeout(r, 1_000));
    await acd.server.kill('SIGKILL');
    await acd.start();
    const result = await call.done;
    expect(result.code, result.output).toBe(0);

    const callId = await lastCallId();
    const [rec] = await settled(callId, 1);
    expect(rec).toMatchObject({ status: 'complete', agentId: 'sam' });
    expect(rec!.durationSec).toBeGreaterThan(6);
  });
});
