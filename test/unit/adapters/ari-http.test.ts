import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AriHttpError, AriUnavailableError, createAriHttp, type AriRequest } from '../../../src/adapters/ari/ari-http.js';
import { json, startFakeAri, type FakeAriServer } from '../support/fake-ari-server.js';

const BASIC = 'Basic ' + Buffer.from('switchboard:s3cret:pw').toString('base64');

describe('ARI HTTP client against a fake ARI on loopback', () => {
  let ari: FakeAriServer;
  let request: AriRequest;
  beforeEach(async () => {
    ari = await startFakeAri();
    request = createAriHttp({ url: `${ari.url}/`, user: 'switchboard', password: 's3cret:pw', timeoutMs: 2_000 });
  });
  afterEach(() => ari.close());

  it('given channels.playWithId with several media, when sent, then it POSTs to the path with media comma-joined in the query', async () => {
    ari.handler = (_req, res) => json(res, 201, { id: 'c1-p1', media_uri: 'sound:a', target_uri: 'channel:c1', state: 'queued' });
    const playback = await request('channels.playWithId', { channelId: '1763866646.12', playbackId: 'c1-p1', media: ['sound:hello-world', 'sound:vm-goodbye'], lang: 'fr' });
    expect(playback).toMatchObject({ id: 'c1-p1', state: 'queued' });
    expect(ari.requests).toHaveLength(1);
    const sent = ari.requests[0];
    expect(sent?.method).toBe('POST');
    expect(sent?.rawPath).toBe('/ari/channels/1763866646.12/play/c1-p1');
    expect(sent?.query.get('media')).toBe('sound:hello-world,sound:vm-goodbye');
    expect(sent?.query.get('lang')).toBe('fr');
    expect([...(sent?.query.keys() ?? [])].sort()).toEqual(['lang', 'media']);
  });

  it('given path parameters with reserved characters, when sent, then they are URL-encoded into one segment', async () => {
    await request('channels.playWithId', { channelId: 'a/b c?d', playbackId: 'p#1', media: 'sound:x' });
    expect(ari.requests[0]?.rawPath).toBe('/ari/channels/a%2Fb%20c%3Fd/play/p%231');
    expect(ari.requests[0]?.query.get('media')).toBe('sound:x');
  });

  it('given credentials, when a request is sent, then they go in a Basic Authorization header and never in the URL', async () => {
    await request('channels.answer', { channelId: 'c1' });
    const sent = ari.requests[0];
    expect(sent?.headers.authorization).toBe(BASIC);
    expect(sent?.query.has('api_key')).toBe(false);
    expect(`${sent?.rawPath}?${sent?.query.toString()}`).not.toContain('s3cret');
  });

  it('given undefined optional params, when sent, then they are left out of the query', async () => {
    await request('channels.hangup', { channelId: 'c1', reason: undefined });
    expect(ari.requests[0]).toMatchObject({ method: 'DELETE', rawPath: '/ari/channels/c1' });
    expect(ari.requests[0]?.query.toString()).toBe('');
  });

  it('given an operation with a body, when sent, then the body is JSON with a JSON content type', async () => {
    await request('channels.setChannelVars', { channelId: 'c1' }, { body: { variables: { SB_CALL_ID: 'call-1' } } });
    expect(ari.requests[0]?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(ari.requests[0]?.body ?? '')).toEqual({ variables: { SB_CALL_ID: 'call-1' } });
  });

  it('given a GET that answers JSON, when sent, then the parsed body comes back', async () => {
    ari.handler = (_req, res) => json(res, 200, { name: 'switchboard', channel_ids: ['c1'] });
    await expect(request('applications.get', { applicationName: 'switchboard' })).resolves.toMatchObject({ channel_ids: ['c1'] });
    expect(ari.requests[0]).toMatchObject({ method: 'GET', rawPath: '/ari/applications/switchboard' });
  });

  it('given a 404, when sent, then it rejects with AriHttpError carrying the status, method, path and body', async () => {
    ari.handler = (_req, res) => json(res, 404, { message: 'Channel not found' });
    const err = await request('channels.answer', { channelId: 'gone' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AriHttpError);
    expect(err).toMatchObject({ status: 404, method: 'POST', path: '/channels/gone/answer' });
    expect((err as AriHttpError).body).toContain('Channel not found');
    expect(ari.requests).toHaveLength(1);
  });

  it('given a server that never answers, when a request is sent with timeoutMs 200, then it rejects with AriUnavailableError timeout in about that time', async () => {
    ari.handler = () => undefined;
    const started = Date.now();
    const err = await request('channels.answer', { channelId: 'c1' }, { timeoutMs: 200 }).catch((e: unknown) => e);
    const elapsed = Date.now() - started;
    expect(err).toBeInstanceOf(AriUnavailableError);
    expect(err).toMatchObject({ reason: 'timeout', method: 'POST', path: '/channels/c1/answer' });
    expect(elapsed).toBeGreaterThanOrEqual(150);
    expect(elapsed).toBeLessThan(1_500);
  });

  it('given a client-wide timeout, when a GET gets no answer, then it times out once and is not retried', async () => {
    const quick = createAriHttp({ url: ari.url, user: 'u', password: 'p', timeoutMs: 200 });
    ari.handler = () => undefined;
    const err = await quick('channels.list', {}).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'AriUnavailableError', reason: 'timeout' });
    expect(ari.requests).toHaveLength(1);
  });

  it('given a connection dropped mid-request, when a GET is sent, then it is retried once before failing as network', async () => {
    ari.handler = (req, res) => void res.socket?.destroy();
    const err = await request('channels.list', {}).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'AriUnavailableError', reason: 'network' });
    expect(ari.requests).toHaveLength(2);
  });

  it('given a connection dropped mid-request, when a POST is sent, then it is not retried', async () => {
    ari.handler = (req, res) => void res.socket?.destroy();
    const err = await request('channels.answer', { channelId: 'c1' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'AriUnavailableError', reason: 'network' });
    expect(ari.requests).toHaveLength(1);
  });

  it('given a GET whose first attempt drops, when the retry succeeds, then the result comes back', async () => {
    ari.handler = (_req, res) => {
      if (ari.requests.length === 1) res.socket?.destroy();
      else json(res, 200, []);
    };
    await expect(request('channels.list', {})).resolves.toEqual([]);
  });
});

describe('ARI HTTP client without a server', () => {
  it('given nothing listens on the port, when a request is sent, then it rejects with AriUnavailableError network', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const request = createAriHttp({ url: `http://127.0.0.1:${port}`, user: 'u', password: 'p', timeoutMs: 1_000 });
    const err = await request('asterisk.ping', {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AriUnavailableError);
    expect(err).toMatchObject({ reason: 'network', method: 'GET', path: '/asterisk/ping' });
  });
});
