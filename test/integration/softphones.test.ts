import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAriHttp } from '../../src/adapters/ari/ari-http.js';
import { createAriSoftphones } from '../../src/adapters/ari/ari-softphones.js';
import { passwordDigest } from '../../src/services/softphone-service.js';
import { ari, ARI_URL, waitFor } from './support/asterisk.js';
import { createKey, newDataDir, startServer, type RunningServer } from './support/server-process.js';
import { startAgent, type SippAgent } from './support/sipp-agent.js';

// Softphones provisioned through Switchboard's API into Asterisk's sorcery memory wizard, with a
// digest instead of the password: a SIPp phone registers with the password and is dialled, the
// provisioning survives a Switchboard restart, every connect pushes the softphones again (what an
// Asterisk restart needs), and DELETE leaves the phone unable to register.
const ID = '2101';
const PASSWORD = 'It-2101-pass!';
const AGENT = 'sp-agent-2101';
const direct = createAriSoftphones(
  createAriHttp({ url: ARI_URL, user: process.env.SWITCHBOARD_ARI_USER ?? 'switchboard', password: process.env.SWITCHBOARD_ARI_PASSWORD ?? 'switchboard-dev', timeoutMs: 5_000 }),
);

describe('softphones provisioned over the API (PJSIP push configuration, MD5 digest)', () => {
  let dataDir: string;
  let key: string;
  let server: RunningServer;
  const servers: RunningServer[] = [];
  const phones: SippAgent[] = [];

  const start = async () => {
    server = await startServer({ dataDir, key });
    servers.push(server);
  };
  const send = (method: string, path: string, body?: unknown) =>
    server.api(path, { method, ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }) });
  const phone = async () => {
    const p = await startAgent({ user: ID, password: PASSWORD, behaviour: 'answer' });
    phones.push(p);
    return p;
  };
  const stopPhones = async () => {
    for (const p of phones.splice(0)) await p.stop();
  };
  const authObject = async () => Object.fromEntries(((await ari('GET', `/asterisk/config/dynamic/res_pjsip/auth/${ID}`)) as { attribute: string; value: string }[]).map((f) => [f.attribute, f.value]));
  const liveRegistered = async () => (await server.api(`/api/v1/agents/${AGENT}`)).body.live?.registered === true;

  beforeAll(async () => {
    await direct.removeSoftphone(ID); // a run that died half-way may have left them in Asterisk's memory
    dataDir = newDataDir();
    key = createKey(dataDir);
    await start();
  });

  afterAll(async () => {
    await stopPhones();
    for (const s of servers) await s.kill('SIGTERM');
    await direct.removeSoftphone(ID);
  });

  it('given an admin, when softphone 2101 is put, then Asterisk has it with a digest and the password is nowhere: not in the response, Asterisk or the database', async () => {
    const res = await send('PUT', `/api/v1/softphones/${ID}`, { password: PASSWORD, callerId: '"Agent 2101" <2101>' });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ id: ID, callerId: '"Agent 2101" <2101>', realm: 'asterisk', provisioned: true, provisionError: null });
    expect(JSON.stringify(res.body)).not.toContain(PASSWORD);

    const auth = await authObject();
    expect(auth).toMatchObject({ auth_type: 'digest', username: ID, realm: 'asterisk', password: '', password_digest: passwordDigest(ID, 'asterisk', PASSWORD) });
    await expect(ari('GET', `/asterisk/config/dynamic/res_pjsip/endpoint/${ID}`)).resolves.toContainEqual({ attribute: 'callerid', value: '"Agent 2101" <2101>' });

    const files = readdirSync(dataDir).filter((f) => f.startsWith('switchboard.db'));
    expect(files).toContain('switchboard.db');
    for (const f of files) expect(readFileSync(join(dataDir, f)).includes(PASSWORD), f).toBe(false);
    expect(readFileSync(server.logFile, 'utf8')).not.toContain(PASSWORD);
  });

  it('given the id of a pjsip.conf endpoint, when put, then it is 409 and the static endpoint is untouched', async () => {
    const res = await send('PUT', '/api/v1/softphones/1001', { password: PASSWORD });
    expect(res.status, JSON.stringify(res.body)).toBe(409);
    expect(res.body.code).toBe('softphone_conflict');
    expect((await ari('GET', '/asterisk/config/dynamic/res_pjsip/auth/1001')) as unknown[]).toContainEqual({ attribute: 'auth_type', value: 'userpass' });
  });

  it('given the softphone, when a SIPp phone registers with the password, then an agent on PJSIP/2101 is live and registered, and the phone answers a call', async () => {
    const created = await send('POST', '/api/v1/agents', { id: AGENT, name: 'Softphone agent', endpoints: [`PJSIP/${ID}`] });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const p = await phone();
    await waitFor(liveRegistered, 10_000, `${AGENT}'s phone to be seen as registered`);
    expect((await server.api('/api/v1/softphones')).body).toEqual([expect.objectContaining({ id: ID, provisioned: true, registered: true })]);

    // Dialled straight from ARI into the dialplan: the INVITE reaches the phone, which answers.
    const channelId = `sp-it-${Date.now().toString(36)}`;
    await ari('POST', '/channels', { endpoint: `PJSIP/${ID}`, context: 'switchboard-fallback', extension: 's', priority: '1', channelId, timeout: '10' });
    const [call] = await p.waitForCalls(1);
    await waitFor(() => p.calls()[0]?.answeredAt !== null, 5_000, 'the phone to answer');
    await ari('DELETE', `/channels/${channelId}`).catch(() => undefined);
    await waitFor(() => p.calls()[0]?.end === 'asterisk', 5_000, 'the phone to get our BYE');
    expect(call?.callId).toBeTruthy();
  });

  it('given the server restarts, then the softphone is still provisioned and registered (Asterisk kept it) and the phone can register again', async () => {
    await server.kill('SIGTERM');
    await start();
    await waitFor(liveRegistered, 10_000, `${AGENT}'s phone to be seen as registered after the restart`);
    await waitFor(async () => (await server.api('/api/v1/softphones')).body[0]?.provisioned === true, 10_000, 'the softphone to be pushed again on connect');
    await phones[0]!.register();
    await waitFor(liveRegistered, 10_000, 'the phone to be registered again');
  });

  it('given Asterisk lost the objects (as in an Asterisk restart), when the server connects again, then it provisions them and the phone registers', async () => {
    await stopPhones();
    await direct.removeSoftphone(ID);
    await expect(phone()).rejects.toThrow(/REGISTER of 2101/); // 401: no such auth any more
    await server.kill('SIGTERM');
    await start(); // a new ARI connect: provisionAll
    await waitFor(async () => (await server.api('/api/v1/softphones')).body[0]?.provisioned === true, 10_000, 'the softphone to be provisioned on connect');
    await phone();
    await waitFor(liveRegistered, 10_000, 'the phone to be registered after re-provisioning');
  });

  it('given the softphone, when deleted over the API, then Asterisk forgets it and the phone can no longer register', async () => {
    await stopPhones(); // REGISTERs, the unregister included, get 401 once the auth is gone
    const res = await send('DELETE', `/api/v1/softphones/${ID}`);
    expect(res.status, JSON.stringify(res.body)).toBe(204);
    expect((await server.api('/api/v1/softphones')).body).toEqual([]);
    await expect(ari('GET', `/asterisk/config/dynamic/res_pjsip/endpoint/${ID}`)).rejects.toThrow(/404/);
    await expect(phone()).rejects.toThrow(/REGISTER of 2101/);
    expect((await send('DELETE', `/api/v1/softphones/${ID}`)).status).toBe(404);
  });
});
