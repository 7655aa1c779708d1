import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAriDownload, createAriHttp } from '../../../src/adapters/ari/ari-http.js';
import { createAriTelephony } from '../../../src/adapters/ari/ari-telephony.js';
import { TelephonyError, type Telephony } from '../../../src/ports/telephony.js';
import { json, startFakeAri, type FakeAriServer, type RecordedRequest } from '../support/fake-ari-server.js';

const APP = 'switchboard-test';
type Route = (req: RecordedRequest) => { status: number; body?: unknown; delayMs?: number } | undefined;

describe('ARI Telephony (record, DTMF, legs, bridges) against a fake ARI', () => {
  let ari: FakeAriServer;
  let telephony: Telephony;
  /** First route that answers wins; anything else is 204. */
  let routes: Route[];
  const query = (req: RecordedRequest | undefined) => Object.fromEntries(req?.query ?? []);
  const sent = () => ari.requests.map((r) => `${r.method} ${r.rawPath}`);
  const code = (promise: Promise<unknown>) =>
    promise.then(
      () => 'resolved',
      (err: unknown) => (err instanceof TelephonyError ? err.code : `not a TelephonyError: ${String(err)}`),
    );

  beforeEach(async () => {
    routes = [];
    ari = await startFakeAri();
    ari.handler = (req, res) => {
      const answer = routes.map((route) => route(req)).find((a) => a !== undefined);
      const reply = () => (answer ? json(res, answer.status, answer.body ?? {}) : res.writeHead(204).end());
      if (answer?.delayMs) setTimeout(reply, answer.delayMs);
      else reply();
    };
    telephony = createAriTelephony(createAriHttp({ url: ari.url, user: 'u', password: 'p', timeoutMs: 300 }), APP);
  });
  afterEach(() => ari.close());

  describe('record', () => {
    const options = { name: 'call-1-r1', maxDurationSec: 120, maxSilenceSec: 3, beep: true, terminateOn: '#' as const };

    it('given record options, when recording, then it POSTs channels/{id}/record as wav that never overwrites', async () => {
      routes.push(() => ({ status: 201, body: { name: 'call-1-r1', format: 'wav', state: 'queued', target_uri: 'channel:c1' } }));
      await telephony.record('c1', options);
      expect(sent()).toEqual(['POST /ari/channels/c1/record']);
      expect(query(ari.requests[0])).toEqual({
        name: 'call-1-r1', format: 'wav', ifExists: 'fail', maxDurationSeconds: '120', maxSilenceSeconds: '3', beep: 'true', terminateOn: '#',
      });
    });

    it.each<[string, number, string, string]>([
      ['a recording of that name exists', 409, "Recording 'call-1-r1' already exists and can not be overwritten", 'rejected'],
      ['the channel left Stasis', 409, 'Channel not in Stasis application', 'channel_gone'],
      ['the channel is gone', 404, 'Channel not found', 'channel_gone'],
      ['the parameters are refused', 400, 'Recording name invalid', 'rejected'],
    ])('given ARI answers that %s, when recording, then it fails as %s', async (_what, status, message, expected) => {
      routes.push(() => ({ status, body: { message } }));
      await expect(code(telephony.record('c1', options))).resolves.toBe(expected);
    });
  });

  describe('stopRecording', () => {
    it('given a live recording, when stopped, then it POSTs recordings/live/{name}/stop', async () => {
      await telephony.stopRecording('call-1-r1');
      expect(sent()).toEqual(['POST /ari/recordings/live/call-1-r1/stop']);
    });

    it('given the recording already finished (404), when stopped, then it resolves', async () => {
      routes.push(() => ({ status: 404, body: { message: 'Recording not found' } }));
      await expect(telephony.stopRecording('call-1-r1')).resolves.toBeUndefined();
    });

    it('given ARI fails otherwise, when stopped, then it is a TelephonyError', async () => {
      routes.push(() => ({ status: 500, body: { message: 'boom' } }));
      await expect(code(telephony.stopRecording('call-1-r1'))).resolves.toBe('rejected');
    });
  });

  describe('sendDtmf', () => {
    it('given digits, when sent, then it POSTs /dtmf and resolves only when the variable queued behind them is set', async () => {
      // Asterisk answers /dtmf at once and the variable once the digits are out.
      routes.push((req) => (req.rawPath.endsWith('/variable') ? { status: 204, delayMs: 150 } : undefined));
      const started = Date.now();
      await telephony.sendDtmf('leg-1', '12#', 80);
      expect(Date.now() - started).toBeGreaterThanOrEqual(140);
      expect(sent()).toEqual(['POST /ari/channels/leg-1/dtmf', 'POST /ari/channels/leg-1/variable']);
      expect(query(ari.requests[0])).toEqual({ dtmf: '12#', between: '80', duration: '100' });
      expect(query(ari.requests[1])).toEqual({ variable: 'SWITCHBOARD_DTMF_SENT', value: '12#' });
    });

    it('given digits that take longer than the request timeout to send, when sent, then the wait is not cut short', async () => {
      routes.push((req) => (req.rawPath.endsWith('/variable') ? { status: 204, delayMs: 600 } : undefined));
      await expect(telephony.sendDtmf('leg-1', '123', 100)).resolves.toBeUndefined(); // client timeout is 300 ms
    });

    it('given the channel is gone, when sending, then it fails as channel_gone', async () => {
      routes.push(() => ({ status: 404, body: { message: 'Channel not found' } }));
      await expect(code(telephony.sendDtmf('leg-1', '1', 100))).resolves.toBe('channel_gone');
      expect(sent()).toEqual(['POST /ari/channels/leg-1/dtmf']);
    });

    it('given the channel hangs up while the digits go out, when sending, then it fails as channel_gone', async () => {
      routes.push((req) => (req.rawPath.endsWith('/variable') ? { status: 404, body: { message: 'Channel not found' } } : undefined));
      await expect(code(telephony.sendDtmf('leg-1', '1', 100))).resolves.toBe('channel_gone');
    });
  });

  describe('dial', () => {
    it('given a leg, when dialled, then it originates a channel with the leg id into our app with args leg,<legId>', async () => {
      routes.push(() => ({ status: 200, body: { id: 'leg-1', state: 'Down' } }));
      await telephony.dial('leg-1', { endpoint: 'PJSIP/5551234@trunk', callerId: '"Switchboard" <+15550100>', timeoutSec: 25 });
      expect(sent()).toEqual(['POST /ari/channels/leg-1']); // no extra subscription: originate subscribes the app
      expect(query(ari.requests[0])).toEqual({
        endpoint: 'PJSIP/5551234@trunk', app: APP, appArgs: 'leg,leg-1', callerId: '"Switchboard" <+15550100>', timeout: '25',
      });
    });

    it('given no caller id, when dialled, then callerId is left out', async () => {
      routes.push(() => ({ status: 200, body: { id: 'leg-1' } }));
      await telephony.dial('leg-1', { endpoint: 'PJSIP/1001', timeoutSec: 20 });
      expect(ari.requests[0]?.query.has('callerId')).toBe(false);
    });

    it('given ariTransfers, when dialled, then the originate sets PJSIP_TRANSFER_HANDLING() to ari-only in its variables', async () => {
      routes.push(() => ({ status: 200, body: { id: 'leg-1' } }));
      await telephony.dial('leg-1', { endpoint: 'PJSIP/1001', timeoutSec: 20, ariTransfers: true });
      expect(sent()).toEqual(['POST /ari/channels/leg-1']);
      expect(query(ari.requests[0])).toEqual({ endpoint: 'PJSIP/1001', app: APP, appArgs: 'leg,leg-1', timeout: '20' });
      expect(ari.requests[0]?.headers['content-type']).toBe('application/json');
      expect(JSON.parse(ari.requests[0]?.body ?? '')).toEqual({ variables: { 'PJSIP_TRANSFER_HANDLING()': 'ari-only' } });
    });

    it.each([undefined, false])('given ariTransfers %s, when dialled, then the originate has no body (Asterisk handles REFERs itself)', async (ariTransfers) => {
      routes.push(() => ({ status: 200, body: { id: 'leg-1' } }));
      await telephony.dial('leg-1', { endpoint: 'PJSIP/1001', timeoutSec: 20, ariTransfers });
      expect(ari.requests[0]?.body).toBe('');
    });

    it.each<[string, number, string]>([
      ['the leg id is taken', 409, 'rejected'],
      ['the endpoint does not exist (Asterisk: 500 Allocation failed)', 500, 'rejected'],
      ['the dial string is malformed', 400, 'rejected'],
    ])('given %s, when dialled, then it fails as %s', async (_what, status, expected) => {
      routes.push(() => ({ status, body: { message: 'no' } }));
      await expect(code(telephony.dial('leg-1', { endpoint: 'PJSIP/nobody', timeoutSec: 20 }))).resolves.toBe(expected);
    });

    it('given ARI is unreachable, when dialled, then it fails as unavailable', async () => {
      await ari.close();
      await expect(code(telephony.dial('leg-1', { endpoint: 'PJSIP/1001', timeoutSec: 20 }))).resolves.toBe('unavailable');
      ari = await startFakeAri(); // for afterEach
    });
  });

  describe('bridge', () => {
    it('given two channels, when bridged, then it creates a mixing bridge with DTMF events and adds both in one request', async () => {
      routes.push((req) => (req.rawPath === '/ari/bridges/call-1-b1' ? { status: 200, body: { id: 'call-1-b1', channels: [] } } : undefined));
      await telephony.bridge('call-1-b1', ['1763866646.12', 'leg-1']);
      expect(sent()).toEqual(['POST /ari/bridges/call-1-b1', 'POST /ari/bridges/call-1-b1/addChannel']);
      expect(query(ari.requests[0])).toEqual({ type: 'mixing,dtmf_events' });
      expect(query(ari.requests[1])).toEqual({ channel: '1763866646.12,leg-1' });
    });

    it('given the bridge exists already with one of the channels, when bridged again, then only the missing channel is added', async () => {
      routes.push((req) => {
        if (req.method === 'POST' && req.rawPath === '/ari/bridges/call-1-b1') return { status: 409, body: { message: "Bridge with id 'call-1-b1' already exists" } };
        if (req.method === 'GET') return { status: 200, body: { id: 'call-1-b1', channels: ['1763866646.12'] } };
        return undefined;
      });
      await telephony.bridge('call-1-b1', ['1763866646.12', 'leg-1']);
      expect(sent()).toEqual(['POST /ari/bridges/call-1-b1', 'GET /ari/bridges/call-1-b1', 'POST /ari/bridges/call-1-b1/addChannel']);
      expect(query(ari.requests[2])).toEqual({ channel: 'leg-1' });
    });

    it('given the bridge exists with every channel in it, when bridged again, then nothing is re-added (a re-add makes members leave and re-enter)', async () => {
      routes.push((req) => {
        if (req.method === 'POST') return { status: 409, body: { message: 'exists' } };
        return { status: 200, body: { id: 'call-1-b1', channels: ['leg-1', '1763866646.12'] } };
      });
      await telephony.bridge('call-1-b1', ['1763866646.12', 'leg-1']);
      expect(sent()).toEqual(['POST /ari/bridges/call-1-b1', 'GET /ari/bridges/call-1-b1']);
    });

    it.each<[string, number, string, string]>([
      ['a channel hung up', 400, 'Channel not found', 'channel_gone'],
      ['a channel left Stasis', 422, 'Channel not in Stasis application', 'channel_gone'],
    ])('given %s before it was added, when bridged, then the new bridge is destroyed and it fails as %s', async (_what, status, message, expected) => {
      routes.push((req) => (req.rawPath.endsWith('/addChannel') ? { status, body: { message } } : undefined));
      await expect(code(telephony.bridge('call-1-b1', ['1763866646.12', 'leg-1']))).resolves.toBe(expected);
      expect(sent()).toEqual(['POST /ari/bridges/call-1-b1', 'POST /ari/bridges/call-1-b1/addChannel', 'DELETE /ari/bridges/call-1-b1']);
    });
  });

  describe('destroyBridge', () => {
    it('given a bridge, when destroyed, then it DELETEs it', async () => {
      await telephony.destroyBridge('call-1-b1');
      expect(sent()).toEqual(['DELETE /ari/bridges/call-1-b1']);
    });

    it('given the bridge is already gone (404), when destroyed, then it resolves', async () => {
      routes.push(() => ({ status: 404, body: { message: 'Bridge not found' } }));
      await expect(telephony.destroyBridge('call-1-b1')).resolves.toBeUndefined();
    });
  });

  describe('music on hold', () => {
    it('given a channel, when MOH starts and stops, then it POSTs and DELETEs channels/{id}/moh with the class', async () => {
      await telephony.startMoh('leg-1', 'default');
      await telephony.stopMoh('leg-1');
      expect(sent()).toEqual(['POST /ari/channels/leg-1/moh', 'DELETE /ari/channels/leg-1/moh']);
      expect(query(ari.requests[0])).toEqual({ mohClass: 'default' });
      expect(query(ari.requests[1])).toEqual({});
    });

    it.each<[string, number, string]>([
      ['the channel is gone', 404, 'channel_gone'],
      ['the channel is not in Stasis', 409, 'channel_gone'],
      ['ARI fails', 500, 'rejected'],
    ])('given %s, when MOH starts or stops, then it fails as %s', async (_what, status, expected) => {
      routes.push(() => ({ status, body: { message: 'no' } }));
      await expect(code(telephony.startMoh('leg-1', 'default'))).resolves.toBe(expected);
      await expect(code(telephony.stopMoh('leg-1'))).resolves.toBe(expected);
    });
  });

  describe('endpointStates', () => {
    it('given PJSIP endpoints, when listed, then each is a dial string, registered when Asterisk says online', async () => {
      routes.push((req) =>
        req.rawPath === '/ari/endpoints/PJSIP'
          ? {
              status: 200,
              body: [
                { technology: 'PJSIP', resource: '1001', state: 'online', channel_ids: [] },
                { technology: 'PJSIP', resource: '1002', state: 'offline', channel_ids: [] },
                { technology: 'PJSIP', resource: 'trunk', state: 'online', channel_ids: ['1763866646.12'] },
                { technology: 'PJSIP', resource: '1003', channel_ids: [] },
              ],
            }
          : undefined,
      );
      await expect(telephony.endpointStates()).resolves.toEqual([
        { endpoint: 'PJSIP/1001', registered: true },
        { endpoint: 'PJSIP/1002', registered: false },
        { endpoint: 'PJSIP/trunk', registered: true },
        { endpoint: 'PJSIP/1003', registered: false },
      ]);
      expect(sent()).toEqual(['GET /ari/endpoints/PJSIP']);
    });

    it('given ARI is unreachable, when listed, then it fails as unavailable', async () => {
      await ari.close();
      await expect(code(telephony.endpointStates())).resolves.toBe('unavailable');
      ari = await startFakeAri(); // for afterEach
    });
  });

  describe('transferProgress', () => {
    it.each<['progress' | 'answered' | 'unavailable' | 'declined', string]>([
      ['progress', 'channel_progress'],
      ['answered', 'channel_answered'],
      ['unavailable', 'channel_unavailable'],
      ['declined', 'channel_declined'],
    ])('given state %s, when reported, then it POSTs channels/{id}/transfer_progress with states=%s', async (state, states) => {
      await telephony.transferProgress('leg-1', state);
      expect(sent()).toEqual(['POST /ari/channels/leg-1/transfer_progress']);
      expect(query(ari.requests[0])).toEqual({ states });
      expect(ari.requests[0]?.body).toBe('');
    });

    it.each<[string, number, string, string]>([
      ['the channel is gone', 404, 'Channel not found', 'channel_gone'],
      ['the channel is not in Stasis', 409, 'Channel not in Stasis application', 'channel_gone'],
      ['the state is refused', 400, 'Invalid states value', 'rejected'],
    ])('given %s, when reported, then it fails as %s', async (_what, status, message, expected) => {
      routes.push(() => ({ status, body: { message } }));
      await expect(code(telephony.transferProgress('leg-1', 'answered'))).resolves.toBe(expected);
    });
  });

  describe('stopPlayback and hangup', () => {
    it('given the playback already finished (404), when stopped, then it resolves; other failures are TelephonyErrors', async () => {
      routes.push(() => ({ status: 404, body: { message: 'Playback not found' } }));
      await expect(telephony.stopPlayback('call-1-p1')).resolves.toBeUndefined();
      routes.unshift(() => ({ status: 500, body: { message: 'boom' } }));
      await expect(code(telephony.stopPlayback('call-1-p1'))).resolves.toBe('rejected');
    });

    it('given the channel is already gone (404), when hung up, then it resolves', async () => {
      routes.push(() => ({ status: 404, body: { message: 'Channel not found' } }));
      await expect(telephony.hangup('leg-1', 'normal')).resolves.toBeUndefined();
    });
  });
});

describe('ARI Telephony: conversation recordings (bridge record, pause, stored files) against a fake ARI', () => {
  let ari: FakeAriServer;
  let telephony: Telephony;
  /** Status for every REST request; stored files come from `files` (GET …/file). */
  let status: number;
  let files: Map<string, Buffer>;
  const sent = () => ari.requests.map((r) => `${r.method} ${r.rawPath}`);
  const code = (promise: Promise<unknown>) =>
    promise.then(
      () => 'resolved',
      (err: unknown) => (err instanceof TelephonyError ? err.code : `not a TelephonyError: ${String(err)}`),
    );
  const options = (url: string) => ({ url, user: 'asterisk', password: 's3cret', timeoutMs: 300 });

  beforeEach(async () => {
    status = 204;
    files = new Map();
    ari = await startFakeAri();
    ari.handler = (req, res) => {
      const file = /^\/ari\/recordings\/stored\/([^/]+)\/file$/.exec(req.rawPath);
      if (req.method === 'GET' && file) {
        const bytes = files.get(decodeURIComponent(file[1]!));
        if (!bytes) return json(res, 404, { message: 'Recording not found' });
        // Two writes: the client must stream the whole body, not just the first chunk.
        res.writeHead(200, { 'content-type': 'audio/wav', 'content-length': bytes.length });
        res.write(bytes.subarray(0, 1000));
        setTimeout(() => res.end(bytes.subarray(1000)), 20);
        return;
      }
      if (status === 204) res.writeHead(204).end();
      else json(res, status, { message: `answered ${status}` });
    };
    telephony = createAriTelephony(createAriHttp(options(ari.url)), APP, createAriDownload(options(ari.url)));
  });
  afterEach(() => ari.close());

  const collect = async (stream: AsyncIterable<Uint8Array>) => {
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(Buffer.from(chunk));
    return Buffer.concat(chunks);
  };

  it('given a bridge, when recorded, then it POSTs bridges/{id}/record as a wav that never overwrites, with no beep and no limits', async () => {
    await telephony.recordBridge('acd-7a1c', 'rec-5f0c');
    expect(sent()).toEqual(['POST /ari/bridges/acd-7a1c/record']);
    expect(Object.fromEntries(ari.requests[0]!.query)).toEqual({
      name: 'rec-5f0c', format: 'wav', ifExists: 'fail', beep: 'false', maxDurationSeconds: '0', maxSilenceSeconds: '0',
    });
  });

  it.each<[number, string]>([
    [404, 'channel_gone'],
    [500, 'rejected'],
  ])('given ARI answers %s to a bridge record, when recorded, then it fails as %s', async (answer, expected) => {
    status = answer;
    await expect(code(telephony.recordBridge('acd-7a1c', 'rec-5f0c'))).resolves.toBe(expected);
  });

  it('given a live recording, when paused and resumed, then it POSTs and DELETEs recordings/live/{name}/pause', async () => {
    await telephony.pauseRecording('rec-5f0c');
    await telephony.resumeRecording('rec-5f0c');
    expect(sent()).toEqual(['POST /ari/recordings/live/rec-5f0c/pause', 'DELETE /ari/recordings/live/rec-5f0c/pause']);
  });

  it('given the recording has ended (404), when paused or resumed, then it fails as channel_gone', async () => {
    status = 404;
    await expect(code(telephony.pauseRecording('rec-5f0c'))).resolves.toBe('channel_gone');
    await expect(code(telephony.resumeRecording('rec-5f0c'))).resolves.toBe('channel_gone');
  });

  it('given a bridge, when a prompt is played on it, then it POSTs bridges/{id}/play/{playbackId} with the media', async () => {
    await telephony.playOnBridge('acd-7a1c', 'consent-rec-5f0c', ['sound:custom/recorded-call']);
    expect(sent()).toEqual(['POST /ari/bridges/acd-7a1c/play/consent-rec-5f0c']);
    expect(ari.requests[0]!.query.get('media')).toBe('sound:custom/recorded-call');
  });

  it('given a stored recording of 100 kB, when fetched, then every byte streams from recordings/stored/{name}/file with the ARI credentials', async () => {
    const wav = Buffer.alloc(100_000);
    for (let i = 0; i < wav.length; i++) wav[i] = (i * 13) & 0xff;
    files.set('rec-5f0c', wav);
    const bytes = await collect(await telephony.storedRecording('rec-5f0c'));
    expect(bytes.equals(wav)).toBe(true);
    expect(sent()).toEqual(['GET /ari/recordings/stored/rec-5f0c/file']);
    expect(ari.requests[0]!.headers.authorization).toBe(`Basic ${Buffer.from('asterisk:s3cret').toString('base64')}`);
  });

  it('given Asterisk has no such stored recording (404), when fetched, then it fails as channel_gone (the service retries those)', async () => {
    await expect(code(telephony.storedRecording('rec-none'))).resolves.toBe('channel_gone');
  });

  it('given ARI is unreachable, when a stored recording is fetched, then it fails as unavailable', async () => {
    const url = ari.url;
    await ari.close();
    const offline = createAriTelephony(createAriHttp(options(url)), APP, createAriDownload(options(url)));
    await expect(code(offline.storedRecording('rec-5f0c'))).resolves.toBe('unavailable');
    ari = await startFakeAri();
  });

  it('given ARI answers no headers in time, when a stored recording is fetched, then it fails as timeout', async () => {
    ari.handler = () => undefined;
    await expect(code(telephony.storedRecording('rec-5f0c'))).resolves.toBe('timeout');
  });

  it('given no downloader was configured, when a stored recording is fetched, then it fails as unavailable', async () => {
    const without = createAriTelephony(createAriHttp(options(ari.url)), APP);
    await expect(code(without.storedRecording('rec-5f0c'))).resolves.toBe('unavailable');
  });

  it('given a stored recording, when deleted, then it DELETEs recordings/stored/{name}; already gone (404) resolves; other failures are TelephonyErrors', async () => {
    await telephony.deleteStoredRecording('rec-5f0c');
    expect(sent()).toEqual(['DELETE /ari/recordings/stored/rec-5f0c']);
    status = 404;
    await expect(telephony.deleteStoredRecording('rec-5f0c')).resolves.toBeUndefined();
    status = 500;
    await expect(code(telephony.deleteStoredRecording('rec-5f0c'))).resolves.toBe('rejected');
  });
});
