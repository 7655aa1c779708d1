import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { channels, clearAsterisk, waitFor } from './support/asterisk.js';
import { createKey, newDataDir, startServer, type RunningServer } from './support/server-process.js';
import { sippCall } from './support/sipp.js';

type Timeline = { type: string; data: Record<string, unknown> }[];

// ARI drops events while the app is gone and sends no new StasisStart when it comes back: the
// server must find its calls again by itself (reconcile on connect).
describe('the server killed (kill -9) during a call', () => {
  let dataDir: string;
  let key: string;
  let servers: RunningServer[] = [];

  beforeEach(async () => {
    await clearAsterisk();
    dataDir = newDataDir();
    key = createKey(dataDir);
    servers = [];
  });

  afterEach(async () => {
    for (const s of servers) await s.kill('SIGKILL');
  });

  const start = async () => {
    const server = await startServer({ dataDir, key, entryFlow: 'long' });
    servers.push(server);
    return server;
  };

  const activeCall = async (server: RunningServer) => {
    const list = await server.api('/api/v1/calls?status=active');
    return list.body.items[0] as { id: string } | undefined;
  };

  const timeline = async (server: RunningServer, id: string): Promise<Timeline> => (await server.api(`/api/v1/calls/${id}`)).body.events;

  it('given a caller in the middle of a flow, when the server is killed and restarted, then the call is re-adopted, the flow finishes and the call log is complete', async () => {
    const first = await start();
    const caller = sippCall({ scenario: 'caller-until-bye' });
    let callId = '';
    await waitFor(
      async () => {
        const call = await activeCall(first);
        if (!call) return false;
        callId = call.id;
        return (await timeline(first, call.id)).some((e) => e.type === 'node.entered' && e.data.nodeId === 'hold');
      },
      10_000,
      'the call to reach the hold node',
    );
    await first.kill('SIGKILL');

    // While no server runs, the channel stays in Stasis, silent but alive.
    const held = await channels();
    expect(held.map((c) => c.dialplan.app_name)).toEqual(['Stasis']);

    const second = await start();
    const result = await caller.done;
    expect(result.code, result.output).toBe(0);

    await waitFor(async () => (await second.api(`/api/v1/calls/${callId}`)).body.call.status === 'ended', 5_000, 'the call to end');
    const detail = (await second.api(`/api/v1/calls/${callId}`)).body;
    expect(detail.call).toMatchObject({ status: 'ended', endReason: 'flow_hangup', hangupCause: 16, flowId: 'long' });
    const events: Timeline = detail.events;
    const readopted = events.find((e) => e.type === 'call.readopted');
    expect(readopted?.data).toMatchObject({ nodeId: 'hold', flowId: 'long' });
    const nodes = events.filter((e) => e.type === 'node.entered').map((e) => e.data.nodeId);
    expect(nodes).toEqual(['welcome', 'hold', 'hold', 'bye', 'done']);
    expect(events.filter((e) => e.type === 'call.ended')).toHaveLength(1);
    expect(detail.call.durationMs).toBeLessThan(result.elapsedMs + 500);
    await waitFor(async () => (await channels()).length === 0, 5_000, 'no channel left in Asterisk');
  });

  it('given a caller who hangs up while the server is down, when it restarts, then the call is closed as lost and nothing is left in Stasis', async () => {
    const first = await start();
    const caller = sippCall({ scenario: 'caller-hangs-up', pauseMs: 3_000 });
    let callId = '';
    await waitFor(
      async () => {
        // Killing before the answer went out would leave SIPp waiting for a 200 until its own timeout.
        const call = await activeCall(first);
        if (!call) return false;
        callId = call.id;
        return (await timeline(first, call.id)).some((e) => e.type === 'call.answered');
      },
      10_000,
      'the call to be answered',
    );
    await first.kill('SIGKILL');
    const result = await caller.done;
    expect(result.code, result.output).toBe(0);
    await waitFor(async () => (await channels()).length === 0, 5_000, 'Asterisk to drop the channel');

    const second = await start();
    await waitFor(async () => (await second.api(`/api/v1/calls/${callId}`)).body.call.status === 'ended', 5_000, 'the lost call to be closed');
    const detail = (await second.api(`/api/v1/calls/${callId}`)).body;
    expect(detail.call.endReason).toBe('lost');
    expect(detail.events.map((e: { type: string }) => e.type)).toContain('call.lost');
    expect((await second.api('/api/v1/calls?status=active')).body.total).toBe(0);
  });
});
