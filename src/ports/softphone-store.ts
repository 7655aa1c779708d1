import { TelephonyError } from './telephony.js';

/** PJSIP ids end up in URLs, dial strings and SIP URIs: the endpoint, AOR, auth id and SIP username. */
export const SOFTPHONE_ID_PATTERN = '^[A-Za-z0-9_.-]{1,64}$';

/** A softphone as stored. Never the password: only the digest Asterisk checks REGISTERs against. */
export interface SoftphoneRecord {
  id: string;
  /** Asterisk caller id string, e.g. "Agent 2101" <2101>. */
  callerId: string;
  /** The SIP realm the digest was computed for; pushed as the auth's realm so the 401 challenge names it. */
  realm: string;
  /** Asterisk's password_digest spec: 'MD5:' + hex md5(`${id}:${realm}:${password}`). */
  secret: string;
  createdAt: number;
  updatedAt: number;
}

export type SoftphoneFields = Omit<SoftphoneRecord, 'createdAt' | 'updatedAt'>;

export interface SoftphoneStore {
  /** By id. */
  list(): SoftphoneRecord[];
  get(id: string): SoftphoneRecord | null;
  /** Inserts or replaces; an existing row keeps its createdAt. */
  put(softphone: SoftphoneFields, at: number): SoftphoneRecord;
  /** false when there was none. */
  delete(id: string): boolean;
}

/**
 * How the phone authenticates. `passwordDigest` (with the realm it was made for) keeps the
 * password out of Asterisk and out of our database; `password` pushes it in clear (Asterisk then
 * keeps it in memory and returns it on every GET/PUT of the auth over ARI).
 */
export type SoftphoneCredentials = { password: string } | { realm: string; passwordDigest: string };

export type SoftphoneSpec = {
  /** Endpoint, AOR and auth id, and the SIP username the phone registers with. */
  id: string;
  /** Asterisk caller id string, e.g. "Agent 2001" <2001>. */
  callerId: string;
} & SoftphoneCredentials;

/** Creates PJSIP objects in Asterisk (adapters/ari/ari-softphones). */
export interface SoftphoneProvisioner {
  /** Creates or updates the phone's PJSIP endpoint, AOR and auth; the phone can register at once. */
  provisionSoftphone(spec: SoftphoneSpec): Promise<void>;
  /** Removes them; resolves also when they do not exist. */
  removeSoftphone(id: string): Promise<void>;
}

/**
 * Asterisk refused the objects (a TelephonyError 'rejected'): `read_only` when the id belongs to an
 * object it cannot change (one from pjsip.conf, 403), `invalid` when a value failed its validation (400).
 */
export class SoftphoneRejectedError extends TelephonyError {
  constructor(
    readonly reason: 'read_only' | 'invalid',
    message: string,
  ) {
    super('rejected', message);
    this.name = 'SoftphoneRejectedError';
  }
}
