import { TelephonyError } from '../../ports/telephony.js';
import { AriHttpError, AriUnavailableError, type AriRequest } from './ari-http.js';

export interface SoftphoneSpec {
  /** Endpoint, AOR and auth id, and the SIP username the phone registers with. */
  id: string;
  password: string;
  /** Asterisk caller id string, e.g. "Agent 2001" <2001>. */
  callerId: string;
}

export interface Softphones {
  /** Creates or updates the phone's PJSIP endpoint, AOR and auth; the phone can register at once. */
  provisionSoftphone(spec: SoftphoneSpec): Promise<void>;
  /** Removes them; resolves also when they do not exist. */
  removeSoftphone(id: string): Promise<void>;
}

/** PJSIP ids end up in URLs, dial strings and SIP URIs. */
const ID = /^[A-Za-z0-9_.-]{1,64}$/;

// ARI push configuration (PUT /asterisk/config/dynamic/res_pjsip/{type}/{id}) into the sorcery
// memory wizard that asterisk-config/sorcery.conf puts after pjsip.conf. Memory objects are lost
// when Asterisk restarts: the owner provisions again on reconnect. Pushed objects cannot use
// pjsip.conf templates, so the fields of [agent-base] and [aor-base] are repeated here.
export function createAriSoftphones(request: AriRequest, options: { context?: string; qualifyFrequencySec?: number } = {}): Softphones {
  const put = (objectType: 'endpoint' | 'aor' | 'auth', id: string, fields: Record<string, string>) =>
    request(
      'asterisk.updateObject',
      { configClass: 'res_pjsip', objectType, id },
      { body: { fields: Object.entries(fields).map(([attribute, value]) => ({ attribute, value })) } },
    );
  const remove = async (objectType: 'endpoint' | 'aor' | 'auth', id: string) => {
    try {
      await request('asterisk.deleteObject', { configClass: 'res_pjsip', objectType, id });
    } catch (err) {
      if (err instanceof AriHttpError && err.status === 404) return;
      throw err;
    }
  };

  return {
    provisionSoftphone: (spec) =>
      guard('provisionSoftphone', spec.id, async () => {
        // The endpoint names its auth and AOR; Asterisk does not check that they exist, but a
        // phone registering in between would be refused, so they go first.
        await put('auth', spec.id, { auth_type: 'userpass', username: spec.id, password: spec.password });
        await put('aor', spec.id, {
          max_contacts: '1',
          remove_existing: 'yes',
          // A contact that answers the qualify OPTIONS is what makes the endpoint 'online'.
          qualify_frequency: String(options.qualifyFrequencySec ?? 30),
        });
        await put('endpoint', spec.id, {
          context: options.context ?? 'from-agents',
          disallow: 'all',
          allow: 'alaw,ulaw',
          direct_media: 'no',
          dtmf_mode: 'rfc4733',
          rtp_symmetric: 'yes',
          force_rport: 'yes',
          rewrite_contact: 'yes',
          allow_subscribe: 'yes',
          auth: spec.id,
          aors: spec.id,
          callerid: spec.callerId,
        });
      }),
    removeSoftphone: (id) =>
      guard('removeSoftphone', id, async () => {
        await remove('endpoint', id);
        await remove('aor', id);
        await remove('auth', id);
      }),
  };
}

// 403: an object with this id comes from pjsip.conf (read-only: "Cannot update sorcery objects");
// 400: a field Asterisk does not know. Both are refusals of this request.
async function guard(what: string, id: string, run: () => Promise<void>): Promise<void> {
  if (!ID.test(id)) throw new TelephonyError('rejected', `${what}: invalid softphone id '${id}'`);
  try {
    await run();
  } catch (err) {
    if (err instanceof AriHttpError) throw new TelephonyError('rejected', `${what} ${id}: ${err.message}`);
    if (err instanceof AriUnavailableError) throw new TelephonyError(err.reason === 'timeout' ? 'timeout' : 'unavailable', `${what} ${id}: ${err.message}`);
    throw err;
  }
}
