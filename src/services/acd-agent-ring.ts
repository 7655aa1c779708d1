import type { Logger } from 'pino';
import type { AcdEffect, AcdEvent } from '../core/acd/acd-types.js';
import type { Telephony } from '../ports/telephony.js';

/** An agent's phone rung for one offer: cancelled once the offer is withdrawn. */
export interface Ringing {
  dialing: Promise<void>;
  cancelled: boolean;
}

export interface RingDeps {
  telephony: Telephony;
  now: () => number;
  log: Logger;
  handle(event: AcdEvent): void;
}

/**
 * Originates the offer's leg to the agent's first endpoint and tells the engine how it went:
 * ringing once Asterisk took the originate, failed (unavailable when Asterisk refused the
 * endpoint) otherwise. The dial timeout is a little longer than the engine's ring timeout: the
 * engine's timer decides the miss, the dial timeout only guarantees the leg cannot ring forever
 * if we die. `onFailed` runs before the engine hears of a failed originate.
 */
export function ringAgent(deps: RingDeps, effect: AcdEffect & { type: 'offer' }, legId: string, target: { endpoint: string; callerId: string; ariTransfers?: boolean }, onFailed: () => void): Ringing {
  const ringing: Ringing = { dialing: Promise.resolve(), cancelled: false };
  ringing.dialing = deps.telephony.dial(legId, { ...target, timeoutSec: effect.timeoutSec + 5 }).then(
    () => {
      if (!ringing.cancelled) deps.handle({ type: 'offerRinging', at: deps.now(), offerId: effect.offerId });
    },
    (err: unknown) => {
      onFailed();
      deps.log.warn({ err, endpoint: target.endpoint }, 'acd: could not ring the agent');
      if (!ringing.cancelled) deps.handle({ type: 'offerFailed', at: deps.now(), offerId: effect.offerId, reason: (err as { code?: string }).code === 'rejected' ? 'unavailable' : 'failed' });
    },
  );
  return ringing;
}

/** Withdraws a ringing offer; hanging up before the originate has created the channel would miss it. */
export function stopRinging(ringing: Ringing, hangup: () => Promise<unknown>): void {
  ringing.cancelled = true;
  void ringing.dialing.then(hangup);
}
