import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bearer, buildTestApp, T0, type TestApp } from './support.js';

// A small ivr-flows directory: a prompt catalog, a calendar (and a broken one), the main flow
// calling a subflow, and a file that never compiled.
const lines = (...l: string[]) => `${l.join('\n')}\n`;

const PROMPTS = lines(
  'menu.main: [sound:vm-press, digits:1]',
  'enter: sound:vm-enter-num-to-call',
  'closed: sound:vm-isunavail',
  'bad: sound:pbx-invalid',
  'goodbye: sound:vm-goodbye',
);
const OFFICE = lines('timezone: UTC', 'weekly:', '  mon-fri: ["09:00-17:00"]', 'exceptions:', '  - name: storm', '    outcome: closed', '    manual: true');

const MAIN = lines(
  'id: main', //                                              1
  'name: Test line', //                                       2
  'entry: hours', //                                          3
  'locales: [en]', //                                         4
  'timezone: UTC', //                                         5
  'on: { error: sorry }', //                                  6
  'vars:', //                                                 7
  '  pin: { type: string }', //                               8
  '  token: { type: string, default: s3cret, sensitive: true }', //  9
  '  tier: { type: string, default: standard }', //          10
  'nodes:', //                                               11
  '  hours:', //                                             12
  '    type: hours', //                                      13
  '    calendar: office', //                                 14
  '    on: { open: main-menu, closed: closed, holiday: closed }', // 15
  '  main-menu:', //                                         16
  '    type: menu', //                                       17
  '    greeting: menu.main', //                              18
  '    options:', //                                         19
  '      "1": sales', //                                     20
  '      "2": get-pin', //                                   21
  '    on: { exhausted: goodbye }', //                       22
  '  sales:', //                                             23
  '    type: tag', //                                        24
  '    tags: [sales]', //                                    25
  '    next: goodbye', //                                    26
  '  get-pin:', //                                           27
  '    type: collect', //                                    28
  '    prompt: enter', //                                    29
  '    digits: { min: 4, max: 4 }', //                       30
  '    store: pin', //                                       31
  '    mask: true', //                                       32
  '    on: { ok: goodbye, exhausted: goodbye }', //          33
  '  closed:', //                                            34
  '    type: play', //                                       35
  '    prompt: closed', //                                   36
  '    next: bye', //                                        37
  '  sorry:', //                                             38
  '    type: play', //                                       39
  '    prompt: bad', //                                      40
  '    next: bye', //                                        41
  '  goodbye:', //                                           42
  '    type: subflow', //                                    43
  '    flow: farewell', //                                   44
  '    next: bye', //                                        45
  '  bye:', //                                               46
  '    type: hangup', //                                     47
);
const FAREWELL = lines('id: farewell', 'entry: thanks', 'locales: [en]', 'nodes:', '  thanks:', '    type: play', '    prompt: goodbye');

function seed(dir: string) {
  mkdirSync(join(dir, 'prompts'));
  mkdirSync(join(dir, 'calendars'));
  writeFileSync(join(dir, 'prompts', 'default.yaml'), PROMPTS);
  writeFileSync(join(dir, 'calendars', 'office.yaml'), OFFICE);
  writeFileSync(join(dir, 'calendars', 'broken.yaml'), lines('timezone: Mars/Olympus', 'weekly: {}'));
  writeFileSync(join(dir, 'main.yaml'), MAIN);
  writeFileSync(join(dir, 'farewell.yaml'), FAREWELL);
  writeFileSync(join(dir, 'never.yaml'), lines('id: never', 'entry: start', 'nodes:', '  start:', '    type: dance'));
}

interface Problem { file: string; line: number; col: number; message: string; severity: string }
interface ListBody { items: Record<string, unknown>[]; sharedProblems: Problem[] }

describe('the flows API', () => {
  let t: TestApp;
  let admin: string;
  let supervisor: string;
  let agent: string;

  beforeEach(async () => {
    t = await buildTestApp({ seedFlows: seed });
    admin = t.keys.create('ops', 'admin', T0).key;
    supervisor = t.keys.create('wallboard', 'supervisor', T0).key;
    agent = t.keys.create('desk 4', 'agent', T0).key;
  });
  afterEach(() => t.close());

  const get = (url: string, key = supervisor) => t.app.inject({ method: 'GET', url, headers: bearer(key) });
  const post = (url: string, payload?: object, key = admin) => t.app.inject({ method: 'POST', url, headers: bearer(key), ...(payload ? { payload } : {}) });
  const file = (name: string) => join(t.flowsDir, name);

  describe('roles', () => {
    it.each([
      ['GET', '/api/v1/flows'],
      ['GET', '/api/v1/flows/main'],
      ['GET', '/api/v1/flows/main/graph'],
      ['GET', '/api/v1/flows/main/stats'],
    ] as const)('given an agent key, when %s %s, then it is 403', async (method, url) => {
      const res = await t.app.inject({ method, url, headers: bearer(agent) });
      expect(res.statusCode).toBe(403);
      expect(res.json()).toMatchObject({ code: 'forbidden' });
    });

    it('given no key, when the flows are listed, then it is 401', async () => {
      expect((await t.app.inject({ method: 'GET', url: '/api/v1/flows' })).statusCode).toBe(401);
    });

    it.each([
      ['/api/v1/flows/main/simulate', {}],
      ['/api/v1/flows/reload', undefined],
    ])('given a supervisor key, when POST %s, then it is 403 (admin only)', async (url, payload) => {
      const res = await post(url, payload, supervisor);
      expect(res.statusCode).toBe(403);
      expect(res.json()).toMatchObject({ code: 'forbidden', message: expect.stringContaining('admin') as string });
    });
  });

  describe('GET /api/v1/flows', () => {
    it('given a directory with good, never-good and shared broken files, when listed, then each flow has its status and counts and the shared problems come along', async () => {
      const res = await get('/api/v1/flows');
      expect(res.statusCode).toBe(200);
      const body = res.json<ListBody>();
      expect(body.items.map((f) => [f.id, f.status])).toEqual([['farewell', 'ok'], ['main', 'ok'], ['never', 'error']]);
      expect(body.items[1]).toEqual({
        id: 'main', name: 'Test line', file: file('main.yaml'), status: 'ok', version: expect.stringMatching(/^[0-9a-f]{16}$/) as string,
        loadedAt: new Date(T0 + 90_000).toISOString(), errors: 0, warnings: expect.any(Number) as number,
      });
      expect(body.items[2]).toEqual({ id: 'never', name: null, file: file('never.yaml'), status: 'error', version: null, loadedAt: null, errors: 1, warnings: 0 });
      expect(body.sharedProblems).toEqual([
        { file: file('calendars/broken.yaml'), line: 1, col: 11, message: expect.stringContaining('Mars/Olympus') as string, severity: 'error' },
      ]);
    });
  });

  describe('GET /api/v1/flows/:id', () => {
    it('given a good flow, when shown, then it has the serving summary with nodes and exits, and sensitive defaults are never shown', async () => {
      const res = await get('/api/v1/flows/main');
      expect(res.statusCode).toBe(200);
      const body = res.json<Record<string, unknown> & { serving: Record<string, unknown> & { nodes: { id: string }[] } }>();
      expect(body).toMatchObject({ id: 'main', status: 'ok', file: file('main.yaml'), problems: expect.any(Array) as unknown[] });
      expect(body.serving).toMatchObject({ name: 'Test line', entry: 'hours', locales: ['en'], timezone: 'UTC' });
      expect(body.serving.vars).toEqual([
        { name: 'pin', type: 'string', sensitive: true },
        { name: 'token', type: 'string', sensitive: true },
        { name: 'tier', type: 'string', sensitive: false, default: 'standard' },
      ]);
      expect(res.body).not.toContain('s3cret');
      expect(body.serving.nodes.map((n) => n.id)).toEqual(['hours', 'main-menu', 'sales', 'get-pin', 'closed', 'sorry', 'goodbye', 'bye']);
      expect(body.serving.nodes[1]).toEqual({
        id: 'main-menu', kind: 'menu',
        exits: { exhausted: 'goodbye', error: 'sorry', 'option:1': 'sales', 'option:2': 'get-pin', loopExceeded: 'sorry' },
      });
      expect(body.serving.nodes[6]).toEqual({ id: 'goodbye', kind: 'subflow', flow: 'farewell', exits: { next: 'bye', error: 'sorry', loopExceeded: 'sorry' } });
      expect(body.fallbacks).toContainEqual({ nodeId: 'main-menu', outcome: 'error', target: 'sorry', via: 'flow-error' });
    });

    it('given a good flow broken by an edit, when reloaded and shown, then it is stale: the last good version serves and the problem is at its exact line:col', async () => {
      const before = (await get('/api/v1/flows/main')).json<{ version: string }>();
      writeFileSync(file('main.yaml'), MAIN.replace('"1": sales', '"1": salez'));
      expect((await post('/api/v1/flows/reload')).statusCode).toBe(200);
      const res = await get('/api/v1/flows/main');
      expect(res.statusCode).toBe(200);
      const body = res.json<{ status: string; version: string; problems: Problem[]; serving: { nodes: { id: string; exits: Record<string, string> }[] } }>();
      expect(body.status).toBe('stale');
      expect(body.version).toBe(before.version);
      expect(body.problems.filter((p) => p.severity === 'error')).toEqual([
        { file: file('main.yaml'), line: 20, col: 12, message: "node 'main-menu': option:1 goes to 'salez', which is not a node of this flow", severity: 'error' },
      ]);
      expect(body.serving.nodes.find((n) => n.id === 'main-menu')?.exits['option:1']).toBe('sales');
      const list = (await get('/api/v1/flows')).json<ListBody>();
      expect(list.items.find((f) => f.id === 'main')).toMatchObject({ status: 'stale', errors: 1 });
    });

    it('given a flow whose file never compiled, when shown, then it is status error with its problems and nothing serving', async () => {
      const res = await get('/api/v1/flows/never');
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({
        id: 'never', status: 'error', version: null, loadedAt: null, serving: null,
        problems: [{ file: file('never.yaml'), line: 5, col: 11, severity: 'error', message: expect.stringContaining("unknown type 'dance'") as string }],
      });
    });

    it('given an unknown id, when shown, then it is 404 in the error shape', async () => {
      const res = await get('/api/v1/flows/nope');
      expect(res.statusCode).toBe(404);
      expect(res.json()).toEqual({ code: 'not_found', message: 'flow not found' });
    });
  });

  describe('POST /api/v1/flows/:id/simulate', () => {
    it('given a scenario in open hours pressing 2 and a PIN, when simulated, then the path, prompts and end come back with the PIN masked', async () => {
      const res = await post('/api/v1/flows/main/simulate', { given: { time: '2026-01-05T10:00:00Z' }, steps: [{ dtmf: '2' }, { dtmf: 1234 }] });
      expect(res.statusCode).toBe(200);
      const body = res.json<Record<string, unknown> & { journal: { event: string }[] }>();
      expect(body).toMatchObject({
        flowId: 'main',
        version: t.flows.get('main')?.version,
        path: ['hours', 'main-menu', 'get-pin', 'goodbye', 'farewell/thanks', 'bye'],
        heard: ['menu.main', 'enter', 'goodbye'],
        end: { kind: 'hangup', nodeId: 'bye' },
        vars: { pin: '[masked]', token: '[masked]', tier: 'standard' },
        tags: [],
        locale: 'en',
      });
      expect(body.durationMs).toBeGreaterThan(0);
      expect(body.journal.map((e) => e.event)).toContain('node.entered');
      expect(res.body).not.toContain('1234');
      expect(res.body).not.toContain('s3cret');
    });

    it('given a calendar override in the mocks, when simulated, then the closed branch runs', async () => {
      const res = await post('/api/v1/flows/main/simulate', { given: { time: '2026-01-05T10:00:00Z' }, mock: { calendars: { office: 'storm' } } });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ path: ['hours', 'closed', 'bye'], end: { kind: 'hangup' } });
    });

    it('given a step after the call ended, when simulated, then it is 400 with the scenario error', async () => {
      const res = await post('/api/v1/flows/main/simulate', { given: { time: '2026-01-05T22:00:00Z' }, steps: [{ dtmf: '1' }] });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toEqual({ code: 'bad_request', message: "step 1: the call already ended (hangup at 'bye')" });
    });

    it('given a bad time or an unknown key, when simulated, then it is 400', async () => {
      const badTime = await post('/api/v1/flows/main/simulate', { given: { time: 'yesterday' } });
      expect(badTime.statusCode).toBe(400);
      expect(badTime.json()).toMatchObject({ code: 'bad_request', message: "given.time 'yesterday' is not an ISO date-time" });
      const unknown = await post('/api/v1/flows/main/simulate', { expect: { end: 'hangup' } });
      expect(unknown.statusCode).toBe(400);
      const badMock = await post('/api/v1/flows/main/simulate', { mock: { http: { lookup: 'ok' } } });
      expect(badMock.statusCode).toBe(400);
    });

    it('given an unknown flow, when simulated, then it is 404; a flow that never compiled is 409', async () => {
      expect((await post('/api/v1/flows/nope/simulate', {})).statusCode).toBe(404);
      const never = await post('/api/v1/flows/never/simulate', {});
      expect(never.statusCode).toBe(409);
      expect(never.json()).toMatchObject({ code: 'flow_not_loaded' });
    });
  });

  describe('GET /api/v1/flows/:id/graph', () => {
    it('given a flow, when its graph is asked, then it is Mermaid text with the expected nodes and edges', async () => {
      const res = await get('/api/v1/flows/main/graph');
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain/);
      const text = res.body;
      expect(text.startsWith('flowchart TD\n')).toBe(true);
      expect(text).toContain('  n_main_menu{"main-menu<br/>menu"}');
      expect(text).toContain('  n_goodbye["goodbye<br/>subflow: farewell"]');
      expect(text).toContain('  n_hours -- "open" --> n_main_menu');
      expect(text).toContain('  n_main_menu -- "option:2" --> n_get_pin');
      expect(text).toContain('  n_get_pin -. "error" .-> n_sorry');
    });

    it('given format=svg, when the graph is asked, then it is an SVG image', async () => {
      const res = await get('/api/v1/flows/main/graph?format=svg');
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^image\/svg\+xml/);
      expect(res.body).toContain('<svg xmlns="http://www.w3.org/2000/svg"');
      expect(res.body).toContain('>main-menu</text>');
    });

    it('given an unknown format, an unknown flow or one that never compiled, when the graph is asked, then it is 400, 404 and 409', async () => {
      expect((await get('/api/v1/flows/main/graph?format=png')).statusCode).toBe(400);
      expect((await get('/api/v1/flows/nope/graph')).statusCode).toBe(404);
      expect((await get('/api/v1/flows/never/graph')).statusCode).toBe(409);
    });
  });

  describe('GET /api/v1/flows/:id/stats', () => {
    const journal = (callId: string, version: string, at: number, steps: [string, string][]) => {
      t.calls.startCall({ id: callId, channelId: `ch-${callId}`, direction: 'inbound', callerNumber: '+15145550100', callerName: '', dialed: '100', flowId: null, startedAt: at });
      t.calls.append(callId, at + 1, 'flow.started', { flowId: 'main', version, file: file('main.yaml') });
      steps.forEach(([nodeId, outcome], i) => {
        t.calls.append(callId, at + 10 + i * 2, 'node.entered', { flowId: 'main', nodeId, kind: 'x' });
        t.calls.append(callId, at + 11 + i * 2, 'node.exited', { flowId: 'main', nodeId, outcome, target: null });
      });
    };

    beforeEach(() => {
      journal('c1', 'v1', T0, [['hours', 'open'], ['main-menu', 'option:1'], ['sales', 'next']]);
      journal('c2', 'v1', T0 + 60_000, [['hours', 'open'], ['main-menu', 'option:2']]);
      journal('c3', 'v2', T0 + 120_000, [['hours', 'closed'], ['gone', 'next']]);
    });

    it('given journaled calls, when stats are asked, then every node of the flow is listed with visits and exits, zeros included', async () => {
      const res = await get('/api/v1/flows/main/stats');
      expect(res.statusCode).toBe(200);
      const body = res.json<{ flowId: string; version: null; from: null; to: null; nodes: { nodeId: string; kind: string | null; visits: number; exits: Record<string, number> }[] }>();
      expect(body).toMatchObject({ flowId: 'main', version: null, from: null, to: null });
      expect(body.nodes.map((n) => n.nodeId)).toEqual(['hours', 'main-menu', 'sales', 'get-pin', 'closed', 'sorry', 'goodbye', 'bye', 'gone']);
      expect(body.nodes[0]).toEqual({ nodeId: 'hours', kind: 'hours', visits: 3, exits: { open: 2, closed: 1, holiday: 0, error: 0, loopExceeded: 0 } });
      expect(body.nodes[1]).toMatchObject({ nodeId: 'main-menu', visits: 2, exits: { 'option:1': 1, 'option:2': 1, exhausted: 0 } });
      expect(body.nodes[3]).toEqual({ nodeId: 'get-pin', kind: 'collect', visits: 0, exits: { ok: 0, exhausted: 0, error: 0, loopExceeded: 0 } });
      expect(body.nodes[7]).toEqual({ nodeId: 'bye', kind: 'hangup', visits: 0, exits: {} });
      expect(body.nodes[8]).toEqual({ nodeId: 'gone', kind: null, visits: 1, exits: { next: 1 } });
    });

    it('given a version and a time range, when stats are asked, then only those calls and events count', async () => {
      const v1 = (await get('/api/v1/flows/main/stats?version=v1')).json<{ version: string; nodes: { nodeId: string; visits: number }[] }>();
      expect(v1.version).toBe('v1');
      expect(v1.nodes.find((n) => n.nodeId === 'hours')?.visits).toBe(2);
      expect(v1.nodes.find((n) => n.nodeId === 'gone')).toBeUndefined();
      const from = new Date(T0 + 30_000).toISOString();
      const to = new Date(T0 + 90_000).toISOString();
      const ranged = (await get(`/api/v1/flows/main/stats?from=${from}&to=${to}`)).json<{ from: string; to: string; nodes: { nodeId: string; visits: number }[] }>();
      expect(ranged).toMatchObject({ from, to });
      expect(ranged.nodes.find((n) => n.nodeId === 'hours')?.visits).toBe(1);
      expect(ranged.nodes.find((n) => n.nodeId === 'sales')?.visits).toBe(0);
    });

    it('given from after to, or an unknown flow, when stats are asked, then it is 400 or 404', async () => {
      const res = await get(`/api/v1/flows/main/stats?from=${new Date(T0 + 1000).toISOString()}&to=${new Date(T0).toISOString()}`);
      expect(res.statusCode).toBe(400);
      expect((await get('/api/v1/flows/nope/stats')).statusCode).toBe(404);
    });
  });

  describe('POST /api/v1/flows/reload', () => {
    it('given a new flow file, when an admin reloads, then the catalog is reloaded once and the new flow is in the returned list', async () => {
      writeFileSync(file('extra.yaml'), lines('id: extra', 'entry: bye', 'nodes:', '  bye: { type: hangup }'));
      const res = await post('/api/v1/flows/reload');
      expect(res.statusCode).toBe(200);
      expect(t.reloads.count).toBe(1);
      const body = res.json<ListBody>();
      expect(body.items.find((f) => f.id === 'extra')).toMatchObject({ status: 'ok', errors: 0 });
      expect(body.sharedProblems).toHaveLength(1);
    });
  });
});
