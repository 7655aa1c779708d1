import { SoftphoneRejectedError, type SoftphoneProvisioner, type SoftphoneSpec } from '../../../src/ports/softphone-store.js';
import { TelephonyError } from '../../../src/ports/telephony.js';

/**
 * Asterisk's PJSIP objects as a map. `staticIds` behave like pjsip.conf endpoints (403 → read_only);
 * `down` makes every call fail as unreachable; `refuseCallerId` makes a push with that caller id
 * fail as invalid after the auth was replaced, as a 400 on the endpoint PUT would.
 */
export class FakeSoftphoneProvisioner implements SoftphoneProvisioner {
  readonly objects = new Map<string, SoftphoneSpec>();
  readonly calls: string[] = [];
  down = false;
  staticIds = new Set(['1001', '1002']);
  refuseCallerId: string | null = null;

  async provisionSoftphone(spec: SoftphoneSpec): Promise<void> {
    this.calls.push(`provision ${spec.id}`);
    this.check(spec.id);
    if (this.refuseCallerId !== null && spec.callerId === this.refuseCallerId) {
      this.objects.set(spec.id, { ...spec }); // the auth went through before the endpoint was refused
      throw new SoftphoneRejectedError('invalid', `provisionSoftphone ${spec.id}: ARI PUT … → 400: failed field value validation`);
    }
    this.objects.set(spec.id, { ...spec });
  }

  async removeSoftphone(id: string): Promise<void> {
    this.calls.push(`remove ${id}`);
    this.check(id);
    this.objects.delete(id);
  }

  private check(id: string) {
    if (this.down) throw new TelephonyError('unavailable', `softphone ${id}: ARI unreachable (connect ECONNREFUSED)`);
    if (this.staticIds.has(id)) throw new SoftphoneRejectedError('read_only', `softphone ${id}: ARI … → 403: Cannot update sorcery objects of type 'auth'`);
  }
}
