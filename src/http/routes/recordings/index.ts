import { createReadStream } from 'node:fs';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import parseRange from 'range-parser';
import { Type } from 'typebox';
import type { RecordingFiles } from '../../../ports/recording-files.js';
import type { RecordingRow, RecordingStore } from '../../../ports/recording-store.js';
import { roleAtLeast } from '../../../services/api-key-service.js';
import { RecordingError, type RecordingService } from '../../../services/recording-service.js';
import { bearerSecurity } from '../../plugins/auth.js';
import { ApiError } from '../../plugins/error-handler.js';
import { errorResponses, ErrorSchema } from '../../schemas.js';
import { actorOf } from '../agents/access.js';
import { HoldBody, IdParams, OptionalReasonBody, ReasonBody, RecordingDetail, RecordingList, RecordingQuery, RecordingSchema, recordingToApi } from './schemas.js';

export interface RecordingDeps {
  service: RecordingService;
  store: RecordingStore;
  files: RecordingFiles;
}

const STATUS: Record<RecordingError['code'], [number, string]> = {
  not_found: [404, 'not_found'],
  not_recording: [409, 'not_recording'],
  invalid_state: [409, 'invalid_state'],
  forbidden: [403, 'forbidden'],
};
const toApiError = (err: unknown) => {
  if (!(err instanceof RecordingError)) return err;
  const [status, code] = STATUS[err.code];
  return new ApiError(status, code, err.message);
};
const mapped = <T>(run: () => Promise<T> | T): Promise<T> =>
  Promise.resolve()
    .then(run)
    .catch((err: unknown) => {
      throw toApiError(err);
    });

/** null: sees every recording (supervisor, admin); otherwise only this agent's (an agent key). */
function onlyAgent(request: FastifyRequest): string | null {
  const key = request.apiKey!;
  if (roleAtLeast(key.role, 'supervisor')) return null;
  // An agent key tied to no agent sees nothing: '' matches no agent id.
  return key.agentId ?? '';
}

const ms = (iso: string | undefined) => (iso === undefined ? undefined : Date.parse(iso));

// Recordings: search, download (with range requests, so a browser's player can seek), legal hold
// and audited deletion; plus the live controls on a call (pause/resume for PCI, on-demand
// start/stop). Paths on disk come from our rows only; an unknown id or one from another agent is 404.
export const recordingRoutes = (deps: RecordingDeps): FastifyPluginAsyncTypebox => async (app) => {
  const visible = (request: FastifyRequest, id: string): RecordingRow => {
    const row = deps.store.get(id);
    const agent = onlyAgent(request);
    if (!row || (agent !== null && row.agentId !== agent) || (agent !== null && row.deletedAt !== null)) {
      throw new ApiError(404, 'not_found', `recording '${id}' not found`);
    }
    return row;
  };

  app.get(
    '/recordings',
    {
      schema: {
        tags: ['recordings'],
        summary: 'Search recordings (newest first); an agent key sees only its agent’s',
        security: bearerSecurity,
        querystring: RecordingQuery,
        response: { 200: RecordingList, ...errorResponses },
      },
    },
    async (request) => {
      const q = request.query;
      const agent = onlyAgent(request);
      if (q.from !== undefined && q.to !== undefined && ms(q.from)! >= ms(q.to)!) throw new ApiError(400, 'bad_request', "'to' must be after 'from'");
      const result = deps.store.list({
        from: ms(q.from),
        to: ms(q.to),
        queueId: q.queueId,
        agentId: agent ?? q.agentId,
        caller: q.caller,
        callId: q.callId,
        minDurationMs: q.minDurationSec === undefined ? undefined : q.minDurationSec * 1000,
        maxDurationMs: q.maxDurationSec === undefined ? undefined : q.maxDurationSec * 1000,
        includeDeleted: agent === null && q.includeDeleted === true,
        limit: q.limit,
        offset: q.offset,
      });
      return { total: result.total, items: result.items.map(recordingToApi) };
    },
  );

  app.get(
    '/recordings/:id',
    {
      schema: {
        tags: ['recordings'],
        summary: 'One recording with its audit trail (pauses, holds, deletion)',
        security: bearerSecurity,
        params: IdParams,
        response: { 200: RecordingDetail, 404: ErrorSchema, ...errorResponses },
      },
    },
    async (request) => {
      const row = visible(request, request.params.id);
      const audit = deps.store.auditTrail(row.id).map((a) => ({ seq: a.seq, at: new Date(a.at).toISOString(), action: a.action, actor: a.actor, reason: a.reason }));
      return { ...recordingToApi(row), audit };
    },
  );

  app.get(
    '/recordings/:id/audio',
    {
      schema: {
        tags: ['recordings'],
        summary: 'The WAV file; supports Range (206) and If-None-Match on its SHA-256',
        security: bearerSecurity,
        description: 'audio/wav. 404 for an unknown id, one that is not yours (agent keys) or one without a file; 416 for a range past the end.',
        params: IdParams,
      },
    },
    async (request, reply) => {
      const row = visible(request, request.params.id);
      const stored = row.file && row.deletedAt === null && row.status === 'complete' ? await deps.files.resolve(row.file) : null;
      if (!stored) throw new ApiError(404, 'not_found', `recording '${row.id}' has no file`);
      const size = stored.sizeBytes;
      const etag = `"${row.sha256 ?? row.id}"`;
      reply.header('accept-ranges', 'bytes').header('etag', etag).header('content-type', 'audio/wav').header('cache-control', 'private, max-age=0');
      reply.header('content-disposition', `inline; filename="${row.id}.wav"`);
      if (request.headers['if-none-match'] === etag) return reply.status(304).send();
      const header = request.headers.range;
      if (header !== undefined && size > 0) {
        const ranges = parseRange(size, header, { combine: true });
        if (ranges === -1) {
          reply.header('content-range', `bytes */${size}`);
          throw new ApiError(416, 'range_not_satisfiable', `the file has ${size} bytes`);
        }
        // A malformed header (-2), a unit other than bytes (range-parser parses 'pages=0-10' too)
        // or several ranges: the whole file, as RFC 9110 allows.
        if (ranges !== -2 && ranges.type === 'bytes' && ranges.length === 1) {
          const { start, end } = ranges[0]!;
          reply.status(206).header('content-range', `bytes ${start}-${end}/${size}`).header('content-length', end - start + 1);
          return reply.send(createReadStream(stored.path, { start, end }));
        }
      }
      reply.header('content-length', size);
      return reply.send(createReadStream(stored.path));
    },
  );

  app.delete(
    '/recordings/:id',
    {
      config: { role: 'admin' },
      schema: {
        tags: ['recordings'],
        summary: 'Delete the file (the row and its audit trail stay); refused while on legal hold',
        security: bearerSecurity,
        params: IdParams,
        body: ReasonBody,
        response: { 204: Type.Null(), 404: ErrorSchema, 409: ErrorSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      await mapped(() => deps.service.delete(request.params.id, actorOf(request), request.body.reason));
      return reply.status(204).send(null);
    },
  );

  app.put(
    '/recordings/:id/legal-hold',
    {
      config: { role: 'admin' },
      schema: {
        tags: ['recordings'],
        summary: 'Set or release a legal hold: retention never purges a held recording, and it cannot be deleted',
        security: bearerSecurity,
        params: IdParams,
        body: HoldBody,
        response: { 200: RecordingSchema, 404: ErrorSchema, ...errorResponses },
      },
    },
    async (request) => recordingToApi(await mapped(() => deps.service.setLegalHold(request.params.id, request.body.hold, actorOf(request), request.body.reason))),
  );

  app.post(
    '/recordings/purge',
    {
      config: { role: 'admin' },
      schema: {
        tags: ['recordings'],
        summary: 'Run the retention purge now (it also runs daily)',
        security: bearerSecurity,
        response: { 200: Type.Object({ purged: Type.Integer() }), ...errorResponses },
      },
    },
    async () => ({ purged: await deps.service.purge() }),
  );

  // Live controls on the call's current conversation. An agent key acts only on its own.
  const live = (path: string, summary: string, run: (callId: string, by: string, reason: string | undefined, agent: string | undefined) => Promise<RecordingRow>) =>
    app.post(
      `/calls/:id/recording/${path}`,
      {
        // The reason is optional, so is the body: a bare POST (no content-type, no payload) would
        // otherwise fail validation with "body must be object".
        preValidation: async (request) => {
          request.body ??= {};
        },
        schema: {
          tags: ['recordings'],
          summary,
          security: bearerSecurity,
          params: IdParams,
          body: OptionalReasonBody,
          response: { 200: RecordingSchema, 404: ErrorSchema, 409: ErrorSchema, ...errorResponses },
        },
      },
      async (request) => {
        const agent = onlyAgent(request);
        const row = await mapped(() => run(request.params.id, actorOf(request), request.body.reason, agent ?? undefined));
        return recordingToApi(row);
      },
    );
  live('pause', 'Pause the recording of the call’s conversation (PCI); the file leaves that time out', (c, by, reason, agent) =>
    deps.service.pause(c, by, reason ?? 'paused', agent));
  live('resume', 'Resume a paused recording (a pause held by a masked flow input stays until it ends)', (c, by, reason, agent) =>
    deps.service.resume(c, by, reason ?? 'resumed', agent));
  live('start', 'Start recording the call’s conversation now (queues in onDemand mode); later segments after a transfer record too', (c, by, _reason, agent) =>
    deps.service.start(c, by, agent));
  live('stop', 'Stop recording the call’s conversation; what was recorded is stored', (c, by, _reason, agent) => deps.service.stop(c, by, agent));
};
