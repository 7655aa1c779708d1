import { expect } from 'vitest';
import { waitFor } from './asterisk.js';
import { createKey, newDataDir, startServer, type RunningServer } from './server-process.js';
import { startAgent, type AgentOptions, type SippAgent } from './sipp-agent.js';

/**
 * A Switchboard server with its ACD configured over the HTTP API, as an admin would, and SIPp
 * softphones as agents. `start()` (again, after a kill) keeps the data dir; `stop()` ends agents and
 * every server started.
 */
export function acdServer(options: { flowsDir: string; entryFlow: string }) {
  let dataDir = '';
  let key = '';
  let current: RunningServer | null = null;
  const servers: RunningServer[] = [];
  const agents: SippAgent[] = [];

  const server = (): RunningServer => {
    if (!current) throw new Error('no server started');
    return current;
  };
  const send = (method: string, path: string, body?: unknown) =>
    server().api(path, { method, ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }) });

  const h = {
    get server() {
      return server();
    },
    get dataDir() {
      return dataDir;
    },
    get key() {
      return key;
    },
    /** A fresh data dir and admin key, then the server. */
    async fresh() {
      dataDir = newDataDir();
      key = createKey(dataDir);
      agents.length = 0;
      return h.start();
    },
    async start() {
      current = await startServer({ dataDir, key, flowsDir: options.flowsDir, entryFlow: options.entryFlow });
      servers.push(current);
      return current;
    },
    async stop() {
      for (const a of agents.splice(0)) await a.stop();
      for (const s of servers.splice(0)) await s.kill('SIGKILL');
    },
    send,
    get: (path: string) => server().api(path),
    put: (path: string, body: unknown) => send('PUT', path, body),
    post: (path: string, body?: unknown) => send('POST', path, body),
    async skills(...ids: string[]) {
      for (const id of ids) expect((await send('PUT', `/api/v1/skills/${id}`, { description: id })).status).toBe(200);
    },
    /** A queue needing its own id as a skill; `over` replaces any field. */
    async queue(id: string, over: Record<string, unknown> = {}) {
      const res = await send('POST', '/api/v1/queues', { id, name: id, skills: [{ skill: id, minProficiency: 1 }], wrapUpSec: 0, ...over });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    },
    /** A SIPp softphone registered as PJSIP/<user>, an agent on it, logged in once Switchboard sees the registration. */
    async agent(id: string, phone: AgentOptions, skills: Record<string, number>, login = true) {
      const res = await send('POST', '/api/v1/agents', { id, name: id, endpoints: [`PJSIP/${phone.user}`], skills });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      const sipp = await startAgent(phone);
      agents.push(sipp);
      await waitFor(async () => (await server().api(`/api/v1/agents/${id}`)).body.live?.registered === true, 10_000, `${id}'s phone to be seen as registered`);
      if (login) expect((await send('POST', `/api/v1/agents/${id}/login`)).status).toBe(200);
      return sipp;
    },
    agents,
  };
  return h;
}
