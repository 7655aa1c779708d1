import { SoftphoneRejectedError, type SoftphoneProvisioner, type SoftphoneSpec } from '../../ports/softphone-store.js';
import { TelephonyError } from '../../ports/telephony.js';
import { AriHttpError, AriUnavailableError, type AriRequest } from './ari-http.js';

export type { SoftphoneCredentials, SoftphoneSpec } from '../../ports/softphone-store.js';
export type Softphones = SoftphoneProvisioner;

/** PJSIP ids end up in URLs, dial strings and SIP URIs. */
const ID = /^[A-Za-z0-9_.-]{1,64}$/;

// ARI push configuration (PUT /asterisk/config/dynamic/res_pjsip/{type}/{id}) into the sorcery
// memory wizard that asterisk-config/sorcery.conf puts after pjsip.conf. Memory objects are lost
// when Asterisk restarts: services/softphone-service provisions again on every ARI connect.
// Pushed objects cannot use pjsip.conf templates, so the fields of [agent-base] and [aor-base]
// are repeated here.
export function createAriSoftphones(request: AriRequest, options: { context?: string; qualifyFrequencySec?: number } = {}): SoftphoneProvisioner {
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

  // A pre-computed digest (auth_type digest, Asterisk 22.2+) keeps the password out of Asterisk:
  // the auth then holds `password_digest` = MD5:<md5(username:realm:password)> and `realm`, which
  // must be the realm the digest was made for (Asterisk challenges with it). Two things a PUT does
  // not do, because it only changes the fields it names: the digest push clears a password left by
  // an earlier plain push (`password: ''`); the plain push cannot clear a digest (an empty
  // password_digest is ignored, and a digest wins over a password), so it recreates the auth then.
  const putAuth = async (spec: SoftphoneSpec) => {
    if ('passwordDigest' in spec) {
      await put('auth', spec.id, { auth_type: 'digest', username: spec.id, realm: spec.realm, password_digest: spec.passwordDigest, password: '' });
      return;
    }
    const plain = { auth_type: 'userpass', username: spec.id, password: spec.password };
    const fields = await put('auth', spec.id, plain);
    if (Array.isArray(fields) && fields.some((f) => f.attribute === 'password_digest' && f.value !== '')) {
      await remove('auth', spec.id);
      await put('auth', spec.id, plain);
    }
  };

  return {
    provisionSoftphone: (spec) =>
      guard('provisionSoftphone', spec.id, async () => {
        // The endpoint names its auth and AOR; Asterisk does not check that they exist, but a
        // phone registering in between would be refused, so they go first.
        await putAuth(spec);
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

// 403: an object with this id comes from pjsip.conf (read-only: "Cannot update sorcery objects",
// "Could not delete object"); 400: a field Asterisk does not know or a value it refuses (a
// malformed password_digest). Both are refusals of this request. Error messages carry ARI's
// error body, never the request's (so never a password or digest).
async function guard(what: string, id: string, run: () => Promise<void>): Promise<void> {
  if (!ID.test(id)) throw new SoftphoneRejectedError('invalid', `${what}: invalid softphone id '${id}'`);
  try {
    await run();
  } catch (err) {
    if (err instanceof AriHttpError && err.status === 403) throw new SoftphoneRejectedError('read_only', `${what} ${id}: ${err.message}`);
    if (err instanceof AriHttpError) throw new SoftphoneRejectedError('invalid', `${what} ${id}: ${err.message}`);
    if (err instanceof AriUnavailableError) throw new TelephonyError(err.reason === 'timeout' ? 'timeout' : 'unavailable', `${what} ${id}: ${err.message}`);
    throw err;
  }
}
