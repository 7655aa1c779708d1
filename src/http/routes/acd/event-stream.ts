import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AcdControl } from '../../../services/acd-control.js';
import type { TodayFeed } from '../../../services/queue-today-feed.js';
import { bearerSecurity } from '../../plugins/auth.js';
import { errorResponses } from '../../schemas.js';
import { agentViewToApi, liveEventToApi, todayToApi, withToday } from './views.js';

/** A client that stops reading is dropped past this much unsent data instead of buffering without bound. */
const MAX_BUFFERED_BYTES = 1024 * 1024;

const description = `Server-Sent Events (text/event-stream) for wallboards and agent desktops.

The first event is \`snapshot\` with \`{ agents: AgentView[], queues: QueueSnapshot[] }\`; then each change
comes as \`event: agent\` (data \`{ type, at, agent }\`), \`event: queue\` (data \`{ type, at, snapshot }\`) or
\`event: journal\` (data \`{ type, at, event, interactionId?, agentId?, queueId?, data }\`) or, at most once a second
per changed queue, \`event: today\` (data \`{ type, queueId, today }\`: today's offered, answered, abandoned and
service level; the snapshot's queues carry \`today\` too), one JSON object per
\`data:\` line. A comment line (\`: heartbeat\`) every 15 seconds keeps proxies from closing an idle stream.
Reconnect and take the new snapshot after a disconnect: events missed meanwhile are not replayed.`;

// The reply is hijacked: Fastify neither serializes nor validates it (a stream has no schema to
// check), and the connection stays ours until the client goes or the server closes.
export const acdEventStream = (control: AcdControl, heartbeatMs = 15_000, today?: Pick<TodayFeed, 'current' | 'subscribe'>): FastifyPluginAsyncTypebox => async (app) => {
  const open = new Set<() => void>();
  // server.close() waits for every connection to end; a stream never does on its own.
  app.addHook('preClose', async () => {
    for (const close of [...open]) close();
  });

  app.get(
    '/acd/events',
    {
      config: { role: 'agent' },
      schema: {
        tags: ['acd'],
        summary: 'Live ACD events (Server-Sent Events): a snapshot, then agent, queue and journal changes',
        description,
        security: bearerSecurity,
        response: {
          200: { description: 'An endless text/event-stream', content: { 'text/event-stream': { schema: Type.String() } } },
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        // nginx would otherwise buffer the stream and deliver it in bursts.
        'x-accel-buffering': 'no',
      });
      let closed = false;
      let unsubscribe = () => {};
      let heartbeat: NodeJS.Timeout | undefined;
      const close = () => {
        if (closed) return;
        closed = true;
        clearInterval(heartbeat);
        unsubscribe();
        open.delete(close);
        if (!res.writableEnded) res.end();
      };
      // The snapshot may be large (thousands of agents): the allowance starts above it.
      let allowance = MAX_BUFFERED_BYTES;
      const write = (chunk: string) => {
        if (closed) return;
        if (res.writableLength > allowance) {
          request.log.warn('ACD event stream client too slow; closing its stream');
          close();
          return;
        }
        res.write(chunk);
      };
      const send = (event: string, data: unknown) => write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);

      // Snapshot and subscription in the same tick: no event can fall between the two.
      send('snapshot', { agents: control.agents().map(agentViewToApi), queues: withToday(control.snapshots(), today?.current(null) ?? null) });
      allowance += res.writableLength;
      const unsubscribeAcd = control.subscribe((e) => send(e.type, liveEventToApi(e)));
      const unsubscribeToday = today?.subscribe((t) => send('today', { type: 'today', queueId: t.queueId, today: todayToApi(t) }));
      unsubscribe = () => {
        unsubscribeAcd();
        unsubscribeToday?.();
      };
      heartbeat = setInterval(() => write(': heartbeat\n\n'), heartbeatMs);
      heartbeat.unref();
      open.add(close);
      res.on('close', close);
      res.on('error', close);
    },
  );
};
