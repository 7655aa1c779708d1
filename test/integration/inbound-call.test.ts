import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channels, clearAsterisk, waitFor } from './support/asterisk.js';
import { createKey, newDataDir, startServer, type RunningServer } from './support/server-process.js';
import { sippCall } from './support/sipp.js';

describe('an inbound call through the real Asterisk', () => {
  let server: RunningServer;

  beforeAll(async () => {
    await clearAsterisk();
    const dataDir = newDataDir();
    server = await startServer({ dataDir, key: createKey(dataDir) });
  });

  afterAll(async () => {
    await server?.kill('SIGTERM');
  });

  const latestCall = async () => {
    const list = await server.api('/api/v1/calls?limit=1');
    expect(list.status).toBe(200);
    return list.body.items[0];
  };

  it('given the sample flow, when a caller dials in and listens, then it is answered, hears the prompts, is hung up on, and the call log is right', async () => {
    const call = sippCall({ scenario: 'caller-until-bye' });
    const result = await call.done;
    expect(result.code, result.output).toBe(0);

    await waitFor(async () => (await latestCall())?.status === 'ended', 5_000, 'the call to end in the call log');
    const row = await latestCall();
    expect(row).toMatchObject({
      status: 'ended',
      direction: 'inbound',
      callerNumber: '+15550100',
      callerName: 'Test Caller',
      dialed: '100',
      flowId: 'main',
      endReason: 'flow_hangup',
      hangupCause: 16,
    });
    // The prompts (hello-world, auth-thankyou, vm-goodbye) last about 3 s; SIPp saw the same call.
    expect(row.durationMs).toBeGreaterThan(2_000);
    expect(row.durationMs).toBeLessThan(result.elapsedMs + 500);
    expect(row.talkMs).toBeLessThanOrEqual(row.durationMs);
    expect(Date.parse(row.answeredAt)).toBeGreaterThanOrEqual(Date.parse(row.startedAt));

    const detail = await server.api(`/api/v1/calls/${row.id}`);
    expect(detail.status).toBe(200);
    const types = detail.body.events.map((e: { type: string }) => e.type);
    expect(types.slice(0, 3)).toEqual(['call.started', 'flow.started', 'call.answered']);
    const nodes = detail.body.events.filter((e: { type: string }) => e.type === 'node.entered').map((e: { data: { nodeId: string } }) => e.data.nodeId);
    expect(nodes).toEqual(['welcome', 'thanks', 'goodbye']);
    const finished = detail.body.events.filter((e: { type: string }) => e.type === 'playback.finished');
    expect(finished.map((e: { data: { failed: boolean } }) => e.data.failed)).toEqual([false, false]);
    expect(types).toContain('call.hangup');
    expect(types).toContain('call.ended');
    const seqs = detail.body.events.map((e: { seq: number }) => e.seq);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
  });

  it('given a caller who hangs up during the first prompt, then the call log says the caller hung up, with the time they were on', async () => {
    const call = sippCall({ scenario: 'caller-hangs-up', pauseMs: 600 });
    const result = await call.done;
    expect(result.code, result.output).toBe(0);

    await waitFor(async () => (await latestCall())?.status === 'ended', 5_000, 'the call to end in the call log');
    const row = await latestCall();
    expect(row).toMatchObject({ status: 'ended', endReason: 'caller_hangup', hangupCause: 16, hangupCauseText: 'Normal Clearing' });
    expect(row.durationMs).toBeGreaterThanOrEqual(500);
    expect(row.durationMs).toBeLessThan(2_000);
    const detail = await server.api(`/api/v1/calls/${row.id}`);
    const types = detail.body.events.map((e: { type: string }) => e.type);
    expect(types).toContain('hangup.requested');
    expect(types).not.toContain('call.hangup');
    expect(await channels()).toEqual([]);
  });

  it('given no API key or a wrong one, then the call log answers 401 and health stays public', async () => {
    const anonymous = await fetch(`${server.url}/api/v1/calls`);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ code: 'unauthorized' });
    const wrong = await fetch(`${server.url}/api/v1/calls`, { headers: { authorization: 'Bearer sbk_wrong' } });
    expect(wrong.status).toBe(401);
    const health = await fetch(`${server.url}/api/v1/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', ari: { connected: true }, db: { ok: true } });
  });
});
