import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import { SoftphoneRejectedError, type SoftphoneFields, type SoftphoneProvisioner, type SoftphoneRecord, type SoftphoneStore } from '../ports/softphone-store.js';
import { TelephonyError, type EndpointState } from '../ports/telephony.js';

// Agents' softphones: SQLite is the record, Asterisk holds them as PJSIP objects in its sorcery
// memory wizard (pushed over ARI), which it loses when it restarts. So the service pushes every
// stored softphone on each ARI connect (provisionAll), and one change at a time, in order: a push
// and the row it stores are one step, never interleaved with another change or a provisionAll.
//
// No password is stored or pushed: the row and Asterisk keep 'MD5:' + md5(id:realm:password)
// (Asterisk's password_digest) and the realm it was made for. That digest is still what a SIP
// client needs to answer a challenge in that realm, so it is a secret: it never leaves the service.
//
// When Asterisk cannot be reached, a change is stored anyway and pushed later (a retry timer, and
// the next connect's provisionAll): what an admin would expect from a configuration API. Asterisk
// refusing it (an id of pjsip.conf, a value it rejects) is final: nothing is stored. A removal
// that cannot reach Asterisk fails and keeps the row: the phone could still register, and nothing
// would remove it later (provisionAll pushes what is stored, it cannot list what is not).

export const DEFAULT_REALM = 'asterisk';

export type SoftphoneErrorCode = 'not_found' | 'read_only' | 'invalid' | 'unavailable';

export class SoftphoneError extends Error {
  constructor(
    readonly code: SoftphoneErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'SoftphoneError';
  }
}

export interface SoftphoneView {
  id: string;
  callerId: string;
  realm: string;
  createdAt: number;
  updatedAt: number;
  /** Asterisk accepted the last push of this softphone (since this server started). */
  provisioned: boolean;
  /** Why the last push failed; null once it succeeds or while it has not run yet. */
  provisionError: string | null;
  /** Asterisk has a reachable contact for it; null when Asterisk could not be asked. */
  registered: boolean | null;
}

export interface SoftphoneInput {
  password: string;
  /** Default: "<id>" <<id>>. */
  callerId?: string;
}

export interface SoftphonePutResult {
  softphone: SoftphoneView;
  created: boolean;
  /** Set when it was stored but not pushed (Asterisk unreachable): it is pushed later. */
  warning: string | null;
}

export interface SoftphoneService {
  list(): Promise<SoftphoneView[]>;
  get(id: string): Promise<SoftphoneView | null>;
  /** Creates or replaces; throws SoftphoneError read_only / invalid when Asterisk refuses it (nothing stored). */
  put(id: string, input: SoftphoneInput): Promise<SoftphonePutResult>;
  /** Throws SoftphoneError not_found, or unavailable (kept) when Asterisk cannot be reached. */
  remove(id: string): Promise<void>;
  /** Pushes every stored softphone; call on every ARI (re)connect. Never throws. */
  provisionAll(): Promise<{ total: number; provisioned: number; failed: string[] }>;
  /** Cancels the pending retry. */
  stop(): void;
}

export interface SoftphoneServiceDeps {
  store: SoftphoneStore;
  provisioner: SoftphoneProvisioner;
  /** For `registered` in views (Telephony.endpointStates); without it, registered is null. */
  endpointStates?: () => Promise<EndpointState[]>;
  now: () => number;
  logger: Logger;
  /** Realm of new digests (pushed with each, so Asterisk's default_realm need not match). */
  realm?: string;
  /** Delay before pushing again what Asterisk could not take; 10 s. */
  retryMs?: number;
  /** Softphones pushed at once by provisionAll; 4. */
  concurrency?: number;
}

/** Asterisk's password_digest for a SIP user: MD5 of username:realm:password, as RFC 2617's HA1. */
export function passwordDigest(id: string, realm: string, password: string): string {
  return `MD5:${createHash('md5').update(`${id}:${realm}:${password}`, 'utf8').digest('hex')}`;
}

export const defaultCallerId = (id: string) => `"${id}" <${id}>`;

interface Status {
  provisioned: boolean;
  error: string | null;
  /** Asterisk could not be reached: the retry pushes it. */
  pending: boolean;
}

type PushResult = { ok: true } | { ok: false; unreachable: true; error: TelephonyError | Error } | { ok: false; unreachable: false; error: SoftphoneRejectedError };

export function createSoftphoneService(deps: SoftphoneServiceDeps): SoftphoneService {
  const { store, provisioner, now } = deps;
  const log = deps.logger.child({ component: 'softphones' });
  const realm = deps.realm ?? DEFAULT_REALM;
  const retryMs = deps.retryMs ?? 10_000;
  const concurrency = Math.max(1, deps.concurrency ?? 4);
  const status = new Map<string, Status>();
  let retryTimer: NodeJS.Timeout | null = null;
  let stopped = false;

  let chain: Promise<unknown> = Promise.resolve();
  const serial = <T>(run: () => Promise<T>): Promise<T> => {
    const next = chain.then(run, run);
    chain = next.catch(() => undefined);
    return next;
  };

  const scheduleRetry = () => {
    if (retryTimer || stopped) return;
    retryTimer = setTimeout(() => {
      retryTimer = null;
      retryPending().catch((err: unknown) => log.error({ err }, 'softphones: retry failed'));
    }, retryMs);
    retryTimer.unref();
  };

  const push = async (s: SoftphoneFields): Promise<PushResult> => {
    try {
      await provisioner.provisionSoftphone({ id: s.id, callerId: s.callerId, realm: s.realm, passwordDigest: s.secret });
      status.set(s.id, { provisioned: true, error: null, pending: false });
      return { ok: true };
    } catch (err) {
      if (err instanceof SoftphoneRejectedError) {
        status.set(s.id, { provisioned: false, error: err.message, pending: false });
        return { ok: false, unreachable: false, error: err };
      }
      // unavailable, timeout, or something unexpected: worth another try later.
      const error = err instanceof Error ? err : new Error(String(err));
      status.set(s.id, { provisioned: false, error: error.message, pending: true });
      scheduleRetry();
      return { ok: false, unreachable: true, error };
    }
  };

  // Pushes the pending softphones until Asterisk fails again (then the next retry goes on).
  const retryPending = () =>
    serial(async () => {
      for (const s of store.list()) {
        if (!status.get(s.id)?.pending) continue;
        const result = await push(s);
        if (!result.ok && result.unreachable) return;
      }
      log.info('softphones: pending pushes done');
    });

  const registrations = async (): Promise<Map<string, boolean> | null> => {
    if (!deps.endpointStates) return null;
    try {
      return new Map((await deps.endpointStates()).map((e) => [e.endpoint, e.registered]));
    } catch (err) {
      log.debug({ err }, 'softphones: endpoint states unavailable');
      return null;
    }
  };
  const view = (s: SoftphoneRecord, registered: Map<string, boolean> | null): SoftphoneView => {
    const st = status.get(s.id);
    return {
      id: s.id,
      callerId: s.callerId,
      realm: s.realm,
      createdAt: s.createdAt,
      updatedAt: s.updatedAt,
      provisioned: st?.provisioned ?? false,
      provisionError: st?.error ?? null,
      registered: registered ? (registered.get(`PJSIP/${s.id}`) ?? false) : null,
    };
  };

  return {
    list: async () => {
      const registered = await registrations();
      return store.list().map((s) => view(s, registered));
    },

    get: async (id) => {
      const s = store.get(id);
      return s ? view(s, await registrations()) : null;
    },

    put: (id, input) =>
      serial(async () => {
        const before = store.get(id);
        const fields: SoftphoneFields = { id, callerId: input.callerId ?? defaultCallerId(id), realm, secret: passwordDigest(id, realm, input.password) };
        const result = await push(fields);
        if (!result.ok && !result.unreachable) {
          const { reason } = result.error;
          if (!before) status.delete(id);
          // A refused value (400) can come after the auth was already replaced: put back what was there.
          if (reason === 'invalid') {
            if (before) await push(before);
            else await provisioner.removeSoftphone(id).catch((err: unknown) => log.warn({ err, softphoneId: id }, 'softphones: cleanup after a refused push failed'));
          }
          log.warn({ softphoneId: id, reason, err: result.error.message }, 'softphones: Asterisk refused the softphone; not stored');
          throw new SoftphoneError(
            reason,
            reason === 'read_only'
              ? `'${id}' is an endpoint of Asterisk's pjsip.conf; Switchboard cannot provision or change it`
              : `Asterisk refused softphone '${id}': ${result.error.message}`,
          );
        }
        const stored = store.put(fields, now());
        log.info({ softphoneId: id, created: !before, provisioned: result.ok }, 'softphones: saved');
        return {
          softphone: view(stored, null),
          created: !before,
          warning: result.ok ? null : `saved, but not provisioned: Asterisk could not be reached (${result.error.message}); Switchboard pushes it again every ${Math.round(retryMs / 1000)} s and on every ARI connect`,
        };
      }),

    remove: (id) =>
      serial(async () => {
        if (!store.get(id)) throw new SoftphoneError('not_found', `softphone '${id}' not found`);
        try {
          await provisioner.removeSoftphone(id);
        } catch (err) {
          // 403: the id is pjsip.conf's (stored while Asterisk was unreachable); nothing of ours to remove.
          if (!(err instanceof SoftphoneRejectedError && err.reason === 'read_only')) {
            log.warn({ err, softphoneId: id }, 'softphones: removal from Asterisk failed; kept');
            throw new SoftphoneError('unavailable', `softphone '${id}' could not be removed from Asterisk (${(err as Error).message}); it is kept, try again`);
          }
        }
        store.delete(id);
        status.delete(id);
        log.info({ softphoneId: id }, 'softphones: removed');
      }),

    provisionAll: () =>
      serial(async () => {
        if (retryTimer) clearTimeout(retryTimer);
        retryTimer = null;
        const all = store.list();
        // Until pushed, none is in Asterisk (this runs after a connect, maybe to a restarted Asterisk).
        for (const s of all) status.set(s.id, { provisioned: false, error: null, pending: true });
        const failed: string[] = [];
        let next = 0;
        let unreachable = false;
        const worker = async () => {
          while (!unreachable && next < all.length) {
            const s = all[next++]!;
            const result = await push(s);
            if (result.ok) continue;
            failed.push(s.id);
            if (result.unreachable) unreachable = true;
          }
        };
        await Promise.all(Array.from({ length: Math.min(concurrency, all.length) }, worker));
        const provisioned = all.filter((s) => status.get(s.id)?.provisioned).length;
        if (unreachable) {
          scheduleRetry();
          log.warn({ total: all.length, provisioned, failed }, 'softphones: Asterisk unreachable while provisioning; retrying');
        } else if (failed.length) log.error({ total: all.length, provisioned, failed }, 'softphones: Asterisk refused some softphones');
        else log.info({ total: all.length }, 'softphones: provisioned');
        return { total: all.length, provisioned, failed };
      }).catch((err: unknown) => {
        log.error({ err }, 'softphones: provisioning failed');
        return { total: 0, provisioned: 0, failed: [] };
      }),

    stop: () => {
      stopped = true;
      if (retryTimer) clearTimeout(retryTimer);
      retryTimer = null;
    },
  };
}
