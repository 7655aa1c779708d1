import { secretRef } from '../../../../src/core/ivr/secret-refs.js';
import { fillSecrets } from '../../../../src/adapters/http-client/fetch-http-client.js';
import { describe, expect, it } from 'vitest';
import type { CallEffect, HttpOutcome } from '../../../../src/core/call/call-types.js';
import { CALLER, CallDriver, entered, exited, flowFromYaml, journalData, ofType, plays, T0, yaml } from '../../support/flow-fixtures.js';

// The http node: the request effect (rendered url, headers, body), results, retries, the timeout
// outcome, the hold filler prompt and the map into vars.

const httpFlow = (lines: string[]) =>
  flowFromYaml(
    yaml(
      'id: dip',
      'entry: l',
      'vars:',
      '  account: { type: string, default: "42" }',
      '  tier: { type: string }',
      '  vip: { type: boolean }',
      'nodes:',
      '  l:',
      '    type: http',
      ...lines.map((l) => `    ${l}`),
      '    on: { ok: good, error: bad, timeout: slow }',
      '  good: { type: hangup }',
      '  bad: { type: hangup }',
      '  slow: { type: hangup }',
    ),
  );

const crm = httpFlow([
  'url: "https://crm.example/accounts/{{vars.account}}?from={{caller.number}}"',
  'headers: { Authorization: "Bearer ${env:FLOW_CRM_TOKEN}", X-Call: "{{call.id}}" }',
  'body: { account: "{{vars.account}}", n: 3, tags: ["a", "{{call.dialed}}"], nested: { ok: true } }',
  'timeout: 2s',
  'retries: 1',
  'hold: { after: 1500ms, prompt: hold }',
  'map:',
  '  tier: "response.body.tier"',
  '  vip: "response.body.tier == \'gold\'"',
]);

const plain = httpFlow(['url: "https://crm.example/a/{{vars.account}}"', 'map: { tier: "response.body.tier" }']);

const ok = (body: unknown, status = 200): HttpOutcome => ({ kind: 'ok', status, body, headers: { 'content-type': 'application/json' } });
const requests = (effects: CallEffect[]) => ofType(effects, 'httpRequest');

function started(flow = crm) {
  const d = new CallDriver(flow);
  const effects = d.start(T0);
  const request = requests(effects)[0];
  if (!request) throw new Error('no request');
  return { d, effects, request };
}

describe('http: the request', () => {
  it('given url, headers and body templates, when entered, then one httpRequest carries them rendered (secrets left for the shell), POST by default with a body', () => {
    const { request } = started();
    expect(request).toEqual({
      type: 'httpRequest',
      requestId: 'c1-h3',
      nodeId: 'l',
      request: {
        method: 'POST',
        url: 'https://crm.example/accounts/42?from=+15145550100',
        headers: { Authorization: `Bearer ${secretRef('FLOW_CRM_TOKEN')}`, 'X-Call': 'c1', 'content-type': 'application/json' },
        body: JSON.stringify({ account: '42', n: 3, tags: ['a', '100'], nested: { ok: true } }),
        timeoutMs: 2000,
      },
    });
  });

  // Only the flow's own text can place a secret: data that looks like a reference stays text.
  it('given a caller name that looks like a secret reference, when rendered and sent, then no secret goes out', () => {
    const f = httpFlow(['url: "https://crm.example/who?name={{caller.name}}&m={{caller.number}}"']);
    const d = new CallDriver(f, { call: { ...CALLER, callerName: '${env:FLOW_CRM_TOKEN}', callerNumber: secretRef('FLOW_CRM_TOKEN') } });
    const [request] = requests(d.start(T0));
    const sent = fillSecrets(request?.request.url ?? '', { FLOW_CRM_TOKEN: 's3cret' });
    expect(sent).not.toContain('s3cret');
    expect(sent).toBe('https://crm.example/who?name=${env:FLOW_CRM_TOKEN}&m=FLOW_CRM_TOKEN');
  });

  it('given a secret in a header and in a JSON body, when sent, then both are filled in and the body stays valid JSON', () => {
    const f = httpFlow(['url: "https://crm.example/x"', 'headers: { Authorization: "Bearer ${env:FLOW_CRM_TOKEN}" }', 'body: { token: "${env:FLOW_CRM_TOKEN}", n: "{{caller.number}}" }']);
    const [request] = requests(new CallDriver(f).start(T0));
    const env = { FLOW_CRM_TOKEN: 'a"b' };
    expect(fillSecrets(request?.request.headers.Authorization ?? '', env)).toBe('Bearer a"b');
    expect(JSON.parse(fillSecrets(request?.request.body ?? '', env))).toMatchObject({ token: 'a"b' });
  });

  it('given no body, when entered, then it is a GET without body or content-type', () => {
    const { request } = started(plain);
    expect(request.request).toEqual({ method: 'GET', url: 'https://crm.example/a/42', headers: {}, timeoutMs: 3000 });
  });
});

describe('http: results', () => {
  it('given an ok result, when it arrives, then map sets the vars (typed), response and http.<node> are kept, and it exits ok', () => {
    const { d, request } = started();
    const effects = d.send({ type: 'httpResult', at: T0 + 300, requestId: request.requestId, result: ok({ tier: 'gold' }) });
    expect(journalData(effects, 'http.result')).toEqual([{ nodeId: 'l', attempt: 0, outcome: 'ok', status: 200 }]);
    expect(journalData(effects, 'vars.set')).toEqual([{ nodeId: 'l', vars: { tier: 'gold', vip: true } }]);
    expect(exited(effects)).toEqual(['l:ok']);
    const response = { status: 200, body: { tier: 'gold' }, headers: { 'content-type': 'application/json' } };
    expect(d.state.ivr?.response).toEqual(response);
    expect(d.state.ivr?.http).toEqual({ l: response });
  });

  it('given a result for another request id, when it arrives, then it is ignored', () => {
    const { d } = started();
    expect(d.send({ type: 'httpResult', at: T0 + 300, requestId: 'c1-h99', result: ok({}) })).toEqual([]);
    expect(d.nodeId).toBe('l');
  });

  it('given no retries, when an error result arrives, then it exits error with the error kept in response', () => {
    const { d, request } = started(plain);
    const effects = d.send({ type: 'httpResult', at: T0 + 300, requestId: request.requestId, result: { kind: 'error', status: 503, message: 'HTTP 503', body: 'busy' } });
    expect(exited(effects)).toEqual(['l:error']);
    expect(d.state.ivr?.response).toEqual({ status: 503, body: 'busy', error: 'HTTP 503' });
  });

  it('given no retries, when the request times out, then it exits timeout', () => {
    const { d, request } = started(plain);
    const effects = d.send({ type: 'httpResult', at: T0 + 3000, requestId: request.requestId, result: { kind: 'timeout' } });
    expect(exited(effects)).toEqual(['l:timeout']);
    expect(d.state.ivr?.response).toEqual({ status: null, timedOut: true });
  });

  it('given retries 1, when the first attempt fails, then a new request goes out; when the second times out too, then timeout', () => {
    const { d, request } = started();
    const first = d.send({ type: 'httpResult', at: T0 + 2000, requestId: request.requestId, result: { kind: 'timeout' } });
    const retry = requests(first)[0];
    expect(retry).toMatchObject({ requestId: 'c1-h4', request: { url: request.request.url } });
    expect(exited(first)).toEqual([]);
    expect(journalData(first, 'http.result')).toEqual([{ nodeId: 'l', attempt: 0, outcome: 'timeout', status: null }]);
    const second = d.send({ type: 'httpResult', at: T0 + 4000, requestId: 'c1-h4', result: { kind: 'timeout' } });
    expect(journalData(second, 'http.result')).toEqual([{ nodeId: 'l', attempt: 1, outcome: 'timeout', status: null }]);
    expect(entered(second)).toEqual(['slow']);
  });

  it('given retries 1, when the retry succeeds, then ok', () => {
    const { d, request } = started();
    d.send({ type: 'httpResult', at: T0 + 100, requestId: request.requestId, result: { kind: 'error', status: 500, message: 'HTTP 500' } });
    expect(entered(d.send({ type: 'httpResult', at: T0 + 200, requestId: 'c1-h4', result: ok({ tier: 'silver' }) }))).toEqual(['good']);
    expect(d.vars).toMatchObject({ tier: 'silver', vip: false });
  });

  it('given the shell could not send the request (effectFailed), when reported, then it counts as an error result', () => {
    const { d } = started(plain);
    expect(exited(d.send({ type: 'effectFailed', at: T0 + 1, effect: 'httpRequest', code: 'internal', message: 'bad url' }))).toEqual(['l:error']);
  });

  it('given a map expression that fails on the response, when ok arrives, then it leaves through error (http_mapping) with the response kept', () => {
    const { d, request } = started(plain);
    const effects = d.send({ type: 'httpResult', at: T0 + 100, requestId: request.requestId, result: ok({ other: 1 }) });
    expect(journalData(effects, 'node.error')).toEqual([expect.objectContaining({ nodeId: 'l', code: 'http_mapping' })]);
    expect(String(journalData(effects, 'node.error')[0]?.message)).toMatch(/^map: /);
    expect(exited(effects)).toEqual(['l:error']);
    expect(d.state.ivr?.http).toMatchObject({ l: { status: 200, body: { other: 1 } } });
    expect(d.vars.tier).toBe('');
  });
});

describe('http: hold filler', () => {
  it('given hold after 1500ms, when entered, then a hold timer starts next to the request', () => {
    const { effects } = started();
    expect(ofType(effects, 'startTimer')).toContainEqual({ type: 'startTimer', timerId: 'c1-t2', ms: 1500 });
  });

  it('given a fast answer, when it comes before the hold timer, then no filler plays and the timer is cancelled', () => {
    const { d, request } = started();
    const effects = d.send({ type: 'httpResult', at: T0 + 200, requestId: request.requestId, result: ok({ tier: 'gold' }) });
    expect(ofType(effects, 'cancelTimer')).toEqual([{ type: 'cancelTimer', timerId: 'c1-t2' }]);
    expect(plays(effects)).toEqual([]);
  });

  it('given a slow answer, when the hold timer fires, then the filler plays and loops until the answer, which stops it', () => {
    const { d, request } = started();
    const first = plays(d.send({ type: 'timer', at: T0 + 1500, timerId: 'c1-t2' }));
    expect(first).toEqual([{ type: 'play', playbackId: 'c1-p4', media: ['sound:pls-hold-while-try'], prompts: ['hold'] }]);
    const again = plays(d.send({ type: 'playbackFinished', at: T0 + 2500, playbackId: 'c1-p4', failed: false }));
    expect(again).toEqual([{ type: 'play', playbackId: 'c1-p5', media: ['sound:pls-hold-while-try'], prompts: ['hold'] }]);
    const done = d.send({ type: 'httpResult', at: T0 + 2800, requestId: request.requestId, result: ok({ tier: 'gold' }) });
    expect(ofType(done, 'stopPlayback')).toEqual([{ type: 'stopPlayback', playbackId: 'c1-p5' }]);
    expect(entered(done)).toEqual(['good']);
  });

  it('given the filler plays, when the caller hangs up, then the filler is stopped', () => {
    const { d } = started();
    d.send({ type: 'timer', at: T0 + 1500, timerId: 'c1-t2' });
    expect(d.send({ type: 'hangupRequested', at: T0 + 1600, cause: 16 })).toEqual([{ type: 'stopPlayback', playbackId: 'c1-p4' }]);
  });
});
