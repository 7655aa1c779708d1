import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFlowCatalog } from '../../src/adapters/flows/flow-catalog.js';
import { simulate, type Scenario } from '../../src/services/flow-simulator.js';
import { clearAsterisk, waitFor } from './support/asterisk.js';
import { createKey, newDataDir, startServer, type RunningServer } from './support/server-process.js';
import { sippCall } from './support/sipp.js';

// Real SIPp callers walk the flows in flows-ivr/ by DTMF through the real Asterisk; the call log
// must show the node path. Each scenario is also run through the simulator (the same runtime
// without Asterisk) and must take the same path.

type Detail = { call: { status: string; endReason: string; path: string[]; flowVersion: string; lastNode: string }; events: { type: string; data: Record<string, unknown> }[] };

describe('IVR flows on real calls', () => {
  let server: RunningServer;
  let crm: Server;
  let flowsDir: string;

  beforeAll(async () => {
    await clearAsterisk();
    // The tests edit flow files: work on a copy.
    flowsDir = mkdtempSync(join(tmpdir(), 'switchboard-flows-'));
    cpSync(resolve(import.meta.dirname, 'flows-ivr'), flowsDir, { recursive: true });
    crm = createServer((req, res) => {
      const account = /\/accounts\/(\d+)$/.exec(req.url ?? '')?.[1];
      res.writeHead(account ? 200 : 404, { 'content-type': 'application/json' });
      res.end(JSON.stringify(account ? { account, tier: account === '1234' ? 'gold' : 'standard' } : { error: 'unknown' }));
    });
    await new Promise<void>((r) => crm.listen(0, '127.0.0.1', () => r()));
    const crmUrl = `http://127.0.0.1:${(crm.address() as { port: number }).port}`;
    const dataDir = newDataDir();
    server = await startServer({ dataDir, key: createKey(dataDir), flowsDir, entryFlow: 'ivr', env: { FLOW_CRM_URL: crmUrl } });
  });

  afterAll(async () => {
    await server?.kill('SIGTERM');
    await new Promise((r) => crm?.close(r));
  });

  /** The newest call once it has ended, with its journal. */
  const lastCall = async (): Promise<Detail> => {
    let id = '';
    await waitFor(
      async () => {
        const row = (await server.api('/api/v1/calls?limit=1')).body.items[0];
        id = row?.id;
        return row?.status === 'ended';
      },
      10_000,
      'the call to end',
    );
    return (await server.api(`/api/v1/calls/${id}`)).body as Detail;
  };

  const simulated = (flowId: string, steps: { dtmf?: string; silence?: true }[], mock: Scenario['mock'] = {}) => {
    const catalog = createFlowCatalog({ dir: flowsDir, defaultFlow: 'ivr', now: () => 0 });
    catalog.reload();
    return simulate(catalog.library(), flowId, { given: { time: '2026-03-03T10:00:00-05:00' }, steps: steps as never, mock }).path;
  };

  it('given a caller who presses 1 and types an account number ending in #, then the collect, the CRM lookup and the VIP branch are in the call log, and the digits are not', async () => {
    const result = await sippCall({ scenario: 'caller-dtmf', dtmf: [{ afterMs: 1_200, digits: '1' }, { afterMs: 1_000, digits: '1234#' }] }).done;
    expect(result.code, result.output).toBe(0);
    expect(result.hungUpBy).toBe('server');

    const { call, events } = await lastCall();
    const path = ['hours', 'menu', 'account', 'lookup', 'route', 'vip', 'bye'];
    expect(call.path).toEqual(path);
    expect(call.endReason).toBe('flow_hangup');
    expect(call.flowVersion).toMatch(/^[0-9a-f]{16}$/);
    expect(events.find((e) => e.type === 'collect.ok')?.data).toEqual({ nodeId: 'account', length: 4 });
    // The masked collect keeps the account number out of the journal entirely.
    expect(JSON.stringify(events)).not.toContain('1234');
    expect(events.filter((e) => e.type === 'dtmf' && e.data.nodeId === 'account').every((e) => e.data.masked === true)).toBe(true);
    expect(simulated('ivr', [{ dtmf: '1' }, { dtmf: '1234#' }], { http: { lookup: { body: { tier: 'gold' } } } })).toEqual(path);
  });

  it('given a caller who presses two wrong keys, then the invalid prompt plays and the menu is exhausted', async () => {
    const result = await sippCall({ scenario: 'caller-dtmf', dtmf: [{ afterMs: 1_200, digits: '9' }, { afterMs: 2_000, digits: '8' }] }).done;
    expect(result.code, result.output).toBe(0);
    const { call, events } = await lastCall();
    expect(call.path).toEqual(['hours', 'menu', 'exhausted', 'bye']);
    expect(events.filter((e) => e.type === 'menu.invalid').map((e) => e.data.digits)).toEqual(['9', '8']);
    expect(events.find((e) => e.type === 'node.exited' && e.data.nodeId === 'menu')?.data.outcome).toBe('exhausted');
    expect(simulated('ivr', [{ dtmf: '9' }, { dtmf: '8' }])).toEqual(call.path);
  });

  it('given a caller who says nothing, then the no-input retries run out and the flow hangs up through exhausted', async () => {
    const result = await sippCall({ scenario: 'caller-until-bye', timeoutS: 30 }).done;
    expect(result.code, result.output).toBe(0);
    const { call, events } = await lastCall();
    expect(call.path).toEqual(['hours', 'menu', 'exhausted', 'bye']);
    expect(events.filter((e) => e.type === 'menu.noInput')).toHaveLength(2);
    expect(simulated('ivr', [{ silence: true }, { silence: true }])).toEqual(call.path);
  });

  it('given the calendar is closed by a manual override, then callers go to closed; once cleared, to the menu', async () => {
    const set = await server.api('/api/v1/calendars/always/override', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ state: 'storm', reason: 'integration test' }),
    });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    const closed = await sippCall({ scenario: 'caller-until-bye', timeoutS: 20 }).done;
    expect(closed.code, closed.output).toBe(0);
    expect((await lastCall()).call.path).toEqual(['hours', 'closed', 'bye']);
    expect(simulated('ivr', [], { calendars: { always: 'storm' } })).toEqual(['hours', 'closed', 'bye']);

    expect((await server.api('/api/v1/calendars/always/override', { method: 'DELETE' })).status).toBe(204);
    const open = await sippCall({ scenario: 'caller-dtmf', dtmf: [{ afterMs: 1_200, digits: '2' }] }).done;
    expect(open.code, open.output).toBe(0);
    expect((await lastCall()).call.path).toEqual(['hours', 'menu', 'two', 'bye']);
  });

  it('given a flow edited while a call is in it, then that call finishes on its version, the next call gets the new one, and a broken edit keeps the last good version serving', async () => {
    const file = join(flowsDir, 'hotswap.yaml');
    const original = readFileSync(file, 'utf8');
    const before = (await server.api('/api/v1/flows/hotswap')).body as { version: string };

    const live = sippCall({ scenario: 'caller-until-bye', service: '300', timeoutS: 30 });
    await waitFor(async () => (await server.api('/api/v1/calls?limit=1&status=active')).body.items[0]?.lastNode === 'hold', 10_000, 'the call to reach hold');
    writeFileSync(file, original.replace(/end_a/g, 'end_b'));
    let after = before;
    await waitFor(
      async () => {
        after = (await server.api('/api/v1/flows/hotswap')).body;
        return after.version !== before.version;
      },
      5_000,
      'the watcher to load the edit',
    );
    expect((await live.done).code).toBe(0);
    const old = await lastCall();
    expect(old.call.path).toEqual(['hello', 'hold', 'end_a', 'bye']);
    expect(old.call.flowVersion).toBe(before.version);

    expect((await sippCall({ scenario: 'caller-until-bye', service: '300', timeoutS: 30 }).done).code).toBe(0);
    const fresh = await lastCall();
    expect(fresh.call.path).toEqual(['hello', 'hold', 'end_b', 'bye']);
    expect(fresh.call.flowVersion).toBe(after.version);

    // A broken edit: rejected with its position, the last good version keeps answering.
    writeFileSync(file, original.replace('next: end_a', 'next: nowhere'));
    let status: { status: string; problems: { line: number; col: number; message: string }[] } = { status: 'ok', problems: [] };
    await waitFor(
      async () => {
        status = (await server.api('/api/v1/flows/hotswap')).body;
        return status.status === 'stale';
      },
      5_000,
      'the broken edit to be rejected',
    );
    expect(status.problems[0]).toMatchObject({ line: 6, col: 44 });
    expect(status.problems[0]?.message).toContain("'nowhere'");
    expect((await sippCall({ scenario: 'caller-until-bye', service: '300', timeoutS: 30 }).done).code).toBe(0);
    expect((await lastCall()).call.path).toEqual(['hello', 'hold', 'end_b', 'bye']);
  });
});
