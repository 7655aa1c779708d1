import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ContactError, type ContactService } from '../../../services/contact-service.js';
import { bearerSecurity } from '../../plugins/auth.js';
import { ApiError } from '../../plugins/error-handler.js';
import { errorResponses, ErrorSchema } from '../../schemas.js';
import { actorOf } from '../agents/access.js';
import { ContactDetail, ContactMatches, contactToApi, IdentifierQuery, IdParams, MergeBody, MergeSchema, mergeToApi, Timeline, timelineEntryToApi, TimelineQuery } from './schemas.js';

export type ContactRoutesService = Pick<ContactService, 'get' | 'findByIdentifier' | 'timeline' | 'merge'>;

const STATUS: Record<ContactError['code'], number> = { not_found: 404, invalid_identifier: 400, same_contact: 409, already_merged: 409 };

const mapped = <T>(run: () => T): T => {
  try {
    return run();
  } catch (err) {
    if (err instanceof ContactError) throw new ApiError(STATUS[err.code], err.code, err.message);
    throw err;
  }
};

// Contacts: lookup by identifier, the contact card, its one timeline across channels, and the
// supervisor's merge. A merged-away id keeps answering with the survivor, so links never break.
export const contactRoutes = (service: ContactRoutesService): FastifyPluginAsyncTypebox => async (app) => {
  app.get(
    '/contacts',
    {
      schema: {
        tags: ['contacts'],
        summary: 'Contacts holding an identifier (normalized first: a phone number in any form, an email in any case)',
        security: bearerSecurity,
        querystring: IdentifierQuery,
        response: { 200: ContactMatches, ...errorResponses },
      },
    },
    async (request) => {
      const found = mapped(() => service.findByIdentifier(request.query.identifier));
      return { kind: found.kind, value: found.value, items: found.contacts };
    },
  );

  app.get(
    '/contacts/:id',
    {
      schema: {
        tags: ['contacts'],
        summary: 'A contact with its identifiers and merge history; a merged-away id returns the survivor',
        security: bearerSecurity,
        params: IdParams,
        response: { 200: ContactDetail, 404: ErrorSchema, ...errorResponses },
      },
    },
    async (request) => contactToApi(mapped(() => service.get(request.params.id))),
  );

  app.get(
    '/contacts/:id/timeline',
    {
      schema: {
        tags: ['contacts'],
        summary: 'Calls (with recordings), chats, emails and callbacks of a contact, newest first',
        security: bearerSecurity,
        params: IdParams,
        querystring: TimelineQuery,
        response: { 200: Timeline, 404: ErrorSchema, ...errorResponses },
      },
    },
    async (request) => {
      const before = request.query.before === undefined ? undefined : Date.parse(request.query.before);
      const timeline = mapped(() => service.timeline(request.params.id, { limit: request.query.limit, before }));
      return { contactId: timeline.contactId, entries: timeline.entries.map(timelineEntryToApi) };
    },
  );

  app.post(
    '/contacts/:id/merge',
    {
      config: { role: 'supervisor' },
      schema: {
        tags: ['contacts'],
        summary: 'Merge another contact into this one: identifiers and conversations move, the audit keeps who, why and what',
        security: bearerSecurity,
        params: IdParams,
        body: MergeBody,
        response: { 200: MergeSchema, 404: ErrorSchema, 409: ErrorSchema, ...errorResponses },
      },
    },
    async (request) => mergeToApi(mapped(() => service.merge(request.params.id, request.body.mergedId, actorOf(request), request.body.reason))),
  );
};
