import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAriHttp } from '../../../src/adapters/ari/ari-http.js';
import { createAriSoftphones, type Softphones } from '../../../src/adapters/ari/ari-softphones.js';
import { SoftphoneRejectedError } from '../../../src/ports/softphone-store.js';
import { TelephonyError } from '../../../src/ports/telephony.js';
import { json, startFakeAri, type FakeAriServer, type RecordedRequest } from '../support/fake-ari-server.js';

type Route = (req: RecordedRequest) => { status: number; body?: unknown } | undefined;

describe('ARI softphone provisioning (push configuration) against a fake ARI', () => {
  let ari: FakeAriServer;
  let softphones: Softphones;
  let routes: Route[];
  const sent = () => ari.requests.map((r) => `${r.method} ${r.rawPath}`);
  const fields = (req: RecordedRequest | undefined) =>
    Object.fromEntries((JSON.parse(req?.body ?? '{}') as { fields: { attribute: string; value: string }[] }).fields.map((f) => [f.attribute, f.value]));
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
      if (answer) json(res, answer.status, answer.body ?? {});
      else if (req.method === 'PUT') json(res, 200, []);
      else res.writeHead(204).end();
    };
    softphones = createAriSoftphones(createAriHttp({ url: ari.url, user: 'u', password: 'p', timeoutMs: 300 }));
  });
  afterEach(() => ari.close());

  it('given a softphone, when provisioned, then auth, AOR and endpoint are PUT in that order with the agent-base settings', async () => {
    await softphones.provisionSoftphone({ id: '2001', password: 's3cret', callerId: '"Agent 2001" <2001>' });
    expect(sent()).toEqual([
      'PUT /ari/asterisk/config/dynamic/res_pjsip/auth/2001',
      'PUT /ari/asterisk/config/dynamic/res_pjsip/aor/2001',
      'PUT /ari/asterisk/config/dynamic/res_pjsip/endpoint/2001',
    ]);
    expect(fields(ari.requests[0])).toEqual({ auth_type: 'userpass', username: '2001', password: 's3cret' });
    expect(fields(ari.requests[1])).toEqual({ max_contacts: '1', remove_existing: 'yes', qualify_frequency: '30' });
    expect(fields(ari.requests[2])).toEqual({
      context: 'from-agents', disallow: 'all', allow: 'alaw,ulaw', direct_media: 'no', dtmf_mode: 'rfc4733', rtp_symmetric: 'yes',
      force_rport: 'yes', rewrite_contact: 'yes', allow_subscribe: 'yes', auth: '2001', aors: '2001', callerid: '"Agent 2001" <2001>',
    });
  });

  it('given a digest, when provisioned, then the auth gets auth_type digest, the realm and password_digest, and clears any password', async () => {
    await softphones.provisionSoftphone({ id: '2101', callerId: '<2101>', realm: 'asterisk', passwordDigest: 'MD5:bad7e51336bdcc5c166de24f4a99a691' });
    expect(sent()[0]).toBe('PUT /ari/asterisk/config/dynamic/res_pjsip/auth/2101');
    expect(fields(ari.requests[0])).toEqual({ auth_type: 'digest', username: '2101', realm: 'asterisk', password_digest: 'MD5:bad7e51336bdcc5c166de24f4a99a691', password: '' });
    expect(sent()).toHaveLength(3);
  });

  it('given an auth that holds a digest, when a plain password is provisioned, then the auth is deleted and created again (a PUT cannot clear the digest)', async () => {
    let authPuts = 0;
    routes.push((req) =>
      req.method === 'PUT' && req.rawPath.endsWith('/auth/2101') && ++authPuts === 1
        ? { status: 200, body: [{ attribute: 'password_digest', value: 'MD5:bad7e51336bdcc5c166de24f4a99a691' }, { attribute: 'password', value: 's3cret' }] }
        : undefined,
    );
    await softphones.provisionSoftphone({ id: '2101', password: 's3cret', callerId: '<2101>' });
    expect(sent()).toEqual([
      'PUT /ari/asterisk/config/dynamic/res_pjsip/auth/2101',
      'DELETE /ari/asterisk/config/dynamic/res_pjsip/auth/2101',
      'PUT /ari/asterisk/config/dynamic/res_pjsip/auth/2101',
      'PUT /ari/asterisk/config/dynamic/res_pjsip/aor/2101',
      'PUT /ari/asterisk/config/dynamic/res_pjsip/endpoint/2101',
    ]);
    expect(fields(ari.requests[2])).toEqual({ auth_type: 'userpass', username: '2101', password: 's3cret' });
  });

  it('given a softphone, when removed, then endpoint, AOR and auth are deleted, and missing ones (404) are fine', async () => {
    routes.push((req) => (req.rawPath.includes('/aor/') ? { status: 404, body: { message: "Object with id '2001' not found" } } : undefined));
    await softphones.removeSoftphone('2001');
    expect(sent()).toEqual([
      'DELETE /ari/asterisk/config/dynamic/res_pjsip/endpoint/2001',
      'DELETE /ari/asterisk/config/dynamic/res_pjsip/aor/2001',
      'DELETE /ari/asterisk/config/dynamic/res_pjsip/auth/2001',
    ]);
  });

  it.each<[string, number, string, string]>([
    ['the id belongs to a pjsip.conf object (read-only)', 403, "Cannot update sorcery objects of type 'auth'", 'read_only'],
    ['a field is refused', 400, "Creation of object '2001' failed field value validation", 'invalid'],
  ])('given %s, when provisioned, then it fails as rejected (%s)', async (_what, status, message, reason) => {
    routes.push(() => ({ status, body: { message } }));
    const failure = await softphones.provisionSoftphone({ id: '2001', password: 'x', callerId: '<2001>' }).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(SoftphoneRejectedError);
    expect(failure).toMatchObject({ code: 'rejected', reason });
    expect(ari.requests).toHaveLength(1);
  });

  it('given a pjsip.conf endpoint, when removed, then it fails as rejected (403 "Could not delete")', async () => {
    routes.push(() => ({ status: 403, body: { message: "Could not delete object with id '1001'" } }));
    await expect(code(softphones.removeSoftphone('1001'))).resolves.toBe('rejected');
    await expect(softphones.removeSoftphone('1001')).rejects.toMatchObject({ reason: 'read_only' });
  });

  it.each(['', '20 01', '2001/x', 'a@b', 'x'.repeat(65)])('given the id %j, when provisioned or removed, then it is rejected without a request', async (id) => {
    await expect(code(softphones.provisionSoftphone({ id, password: 'x', callerId: '<1>' }))).resolves.toBe('rejected');
    await expect(code(softphones.removeSoftphone(id))).resolves.toBe('rejected');
    expect(ari.requests).toEqual([]);
  });

  it('given ARI is unreachable, when provisioned, then it fails as unavailable', async () => {
    await ari.close();
    await expect(code(softphones.provisionSoftphone({ id: '2001', password: 'x', callerId: '<2001>' }))).resolves.toBe('unavailable');
    ari = await startFakeAri(); // for afterEach
  });
});
