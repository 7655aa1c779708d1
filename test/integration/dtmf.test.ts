import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channels, clearAsterisk, waitFor } from './support/asterisk.js';
import { createKey, newDataDir, startServer, type RunningServer } from './support/server-process.js';
import { sippCall, type DtmfSippResult } from './support/sipp.js';

// Key presses from a SIPp caller (RFC 4733 events in a generated RTP stream, see support/sipp.ts)
// through the real Asterisk to the real server, checked in the call's journal.
// The flow (flows-dtmf/hold.yaml) answers, plays 8 s of silence and hangs up.

type JournalEvent = { seq: number; at: string; type: string; data: { digit?: string; nodeId?: string } };

describe('DTMF from a caller through the real Asterisk', () => {
  let server: RunningServer;

  beforeAll(async () => {
    await clearAsterisk();
    const dataDir = newDataDir();
    server = await startServer({ dataDir, key: createKey(dataDir), flowsDir: resolve(import.meta.dirname, 'flows-dtmf'), entryFlow: 'hold' });
  });

  afterAll(async () => {
    await server?.kill('SIGTERM');
  });

  const endedCall = async () => {
    let row: { id: string; status: string } | undefined;
    await waitFor(
      async () => {
        row = (await server.api('/api/v1/calls?limit=1')).body.items[0];
        return row?.status === 'ended';
      },
      5_000,
      'the call to end in the call log',
    );
    const detail = await server.api(`/api/v1/calls/${row!.id}`);
    expect(detail.status).toBe(200);
    return detail.body as { call: { endReason: string }; events: JournalEvent[] };
  };

  /** The journal's dtmf events against the tones SIPp sent: digits, and ms from each end packet to its journal entry. */
  const match = (result: DtmfSippResult, events: JournalEvent[]) => {
    const dtmf = events.filter((e) => e.type === 'dtmf');
    return {
      digits: dtmf.map((e) => e.data.digit),
      delaysMs: dtmf.map((e, i) => (result.sent[i] ? Date.parse(e.at) - result.sent[i]!.endAt : NaN)),
      nodes: [...new Set(dtmf.map((e) => e.data.nodeId))],
    };
  };

  it('given a caller who presses 1, 2, 9, #, * on a script and stays on, then the journal has exactly those digits in order, each soon after its key, and the flow hangs up', async () => {
    const result = await sippCall({
      scenario: 'caller-dtmf',
      dtmf: [
        { afterMs: 1_500, digits: '1' },
        { afterMs: 800, digits: '2' },
        { afterMs: 1_000, digits: '9#*' },
      ],
    }).done;
    expect(result.code, result.output).toBe(0);
    expect(result.hungUpBy).toBe('server');
    expect(result.sent.map((t) => t.digit).join('')).toBe('129#*');

    const call = await endedCall();
    expect(call.call.endReason).toBe('flow_hangup');
    const { digits, delaysMs, nodes } = match(result, call.events);
    // One journal entry per key: the end-of-event packet goes out three times and is counted once.
    expect(digits).toEqual(['1', '2', '9', '#', '*']);
    expect(nodes).toEqual(['hold']);
    // Reported on the end packet (ChannelDtmfReceived comes at the end of the event); measured here: 1-3 ms.
    for (const d of delaysMs) {
      expect(d).toBeGreaterThanOrEqual(-20);
      expect(d).toBeLessThan(500);
    }
    console.info(`[dtmf] ms from end packet to journal: ${delaysMs.join(', ')}`);
  });

  it('given a caller who presses 5, 5, 5, 0 and hangs up before the flow ends, then the repeated digits all count, nothing after the hang-up does, and the call ends as the caller hanging up', async () => {
    const result = await sippCall({
      scenario: 'caller-dtmf',
      dtmf: [
        { afterMs: 800, digits: '5' },
        { afterMs: 300, digits: '55' },
        { afterMs: 0, digits: '0', toneMs: 40, gapMs: 40 },
        { afterMs: 3_000, digits: '7' }, // due after the hang-up: never sent
      ],
      hangupAfterMs: 2_500,
    }).done;
    expect(result.code, result.output).toBe(0);
    expect(result.hungUpBy).toBe('caller');
    expect(result.sent.map((t) => t.digit).join('')).toBe('5550');

    const call = await endedCall();
    expect(call.call.endReason).toBe('caller_hangup');
    const { digits, delaysMs } = match(result, call.events);
    expect(digits).toEqual(['5', '5', '5', '0']);
    for (const d of delaysMs) expect(d).toBeLessThan(500);
    // Only this test's caller: the Asterisk is shared (others' ARI experiments may have channels up).
    const ours = (await channels()).filter((c) => (c as { caller?: { number?: string } }).caller?.number === '+15145550100');
    expect(ours).toEqual([]);
  });
});
