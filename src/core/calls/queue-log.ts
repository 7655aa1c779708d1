import { isCallbackInteraction, num, str, type AcdFact } from './journal-facts.js';

// Asterisk's queue_log, the format QueueMetrics, qpanel's importer and most wallboards read:
//   epoch|callid|queuename|agent|event|data1|data2|...
// Times are whole epoch seconds; hold, wait and call times whole seconds; RINGNOANSWER and
// RINGCANCELED milliseconds, as app_queue writes them. Readers parse the numeric fields as
// integers, so they are never empty. The mapping is in docs/call-logs.md.

/** An ACD journal row with what queue_log needs from the call row. */
export interface QueueLogInput extends AcdFact {
  callId: string | null;
  callerNumber: string | null;
}

interface Visit {
  callid: string;
  queueId: string;
  enteredAt: number;
  position: number;
  holdMs: number | null;
  transfer: { extension: string; context: string } | null;
}

/** Agents are written as `Agent/<id>`: stable when an agent changes phones, and what QueueMetrics expects by default. */
export const queueLogAgent = (agentId: string | null): string => (agentId ? `Agent/${agentId}` : 'NONE');

// A pipe or a line break inside a value would split the record for every reader.
const field = (v: string | number): string => String(v).replace(/[|\r\n]/g, '_');
const secs = (ms: number) => Math.max(0, Math.round(ms / 1000));

/**
 * Turns ACD journal rows, fed in journal order, into queue_log lines. It remembers each caller's
 * queue entry and each offer, so hold, ring and call times are the ones of this queue visit; for
 * a visit that began before the first row fed, it falls back on the waits the rows carry.
 */
export function createQueueLogWriter() {
  const visits = new Map<string, Visit>();
  const offers = new Map<string, number>();
  const logins = new Map<string, number>();

  const line = (at: number, callid: string, queue: string, agent: string, event: string, ...data: (string | number)[]) =>
    [Math.floor(at / 1000), callid, queue, agent, event, ...(data.length ? data : [''])].map(field).join('|');

  // A callback is a separate call the ACD places, so it gets its own callid; a transfer keeps the
  // caller's, as Asterisk keeps the channel's uniqueid when the dialplan sends it to another queue.
  const callidOf = (r: QueueLogInput) => (r.callId && !isCallbackInteraction(r.interactionId) ? r.callId : (r.interactionId ?? 'NONE'));
  const waitOf = (r: QueueLogInput, v: Visit | undefined) => secs(v ? r.at - v.enteredAt : (num(r.data.waitMs) ?? 0));
  const exit = (r: QueueLogInput, event: string, ...lead: string[]) => {
    const v = visits.get(r.interactionId ?? '');
    visits.delete(r.interactionId ?? '');
    const opos = v?.position ?? 1;
    // app_queue logs the caller's position at exit; the journal keeps only the one at arrival.
    return [line(r.at, v?.callid ?? callidOf(r), v?.queueId ?? r.queueId ?? 'NONE', 'NONE', event, ...lead, opos, opos, waitOf(r, v))];
  };

  function write(r: QueueLogInput): string[] {
    const iid = r.interactionId ?? '';
    const visit = visits.get(iid);
    const agent = queueLogAgent(r.agentId);
    switch (r.type) {
      case 'acd.enqueued': {
        const position = num(r.data.position) ?? 1;
        const v: Visit = { callid: callidOf(r), queueId: r.queueId ?? 'NONE', enteredAt: r.at, position, holdMs: null, transfer: null };
        visits.set(iid, v);
        return [line(r.at, v.callid, v.queueId, 'NONE', 'ENTERQUEUE', '', r.callerNumber ?? '', position)];
      }
      case 'acd.overflow': {
        // Overflow at arrival (the queue was full) already said FULL; the next queue's ENTERQUEUE follows.
        if (str(r.data.reason) === 'full' || !visit) return [];
        const to = str(r.data.to) ?? r.queueId ?? 'NONE';
        const out = line(r.at, visit.callid, str(r.data.from) ?? visit.queueId, 'NONE', 'EXITWITHTIMEOUT', visit.position, visit.position, secs(r.at - visit.enteredAt));
        Object.assign(visit, { queueId: to, enteredAt: r.at });
        return [out, line(r.at, visit.callid, to, 'NONE', 'ENTERQUEUE', '', r.callerNumber ?? '', visit.position)];
      }
      case 'acd.offered':
        if (str(r.data.offerId)) offers.set(str(r.data.offerId)!, r.at);
        return [];
      case 'acd.offer.missed':
      case 'acd.offer.cancelled': {
        const offerId = str(r.data.offerId) ?? '';
        const ringMs = r.at - (offers.get(offerId) ?? r.at);
        offers.delete(offerId);
        if (r.type === 'acd.offer.cancelled' && str(r.data.reason) !== 'callerLeft') return [];
        const event = r.type === 'acd.offer.missed' ? 'RINGNOANSWER' : 'RINGCANCELED';
        return [line(r.at, visit?.callid ?? callidOf(r), visit?.queueId ?? r.queueId ?? 'NONE', agent, event, Math.max(0, ringMs))];
      }
      case 'acd.offer.answered': {
        const offerId = str(r.data.offerId) ?? '';
        const ringMs = r.at - (offers.get(offerId) ?? r.at);
        offers.delete(offerId);
        const holdMs = visit ? r.at - visit.enteredAt : (num(r.data.waitMs) ?? 0);
        const v: Visit = visit ?? { callid: callidOf(r), queueId: r.queueId ?? 'NONE', enteredAt: r.at - holdMs, position: 1, holdMs, transfer: null };
        v.holdMs = holdMs;
        visits.set(iid, v);
        return [line(r.at, v.callid, v.queueId, agent, 'CONNECT', secs(holdMs), offerId, secs(ringMs))];
      }
      case 'acd.transferred': {
        const to = r.data.to as { queue?: unknown; number?: unknown } | undefined;
        if (visit && typeof to?.queue === 'string') visit.transfer = { extension: to.queue, context: 'queue' };
        else if (visit && typeof to?.number === 'string') visit.transfer = { extension: to.number, context: 'trunk' };
        return [];
      }
      case 'acd.ended': {
        visits.delete(iid);
        const hold = secs(visit?.holdMs ?? 0);
        const talk = secs(num(r.data.talkMs) ?? 0);
        const opos = visit?.position ?? 1;
        const [callid, queue] = [visit?.callid ?? callidOf(r), visit?.queueId ?? r.queueId ?? 'NONE'];
        if (visit?.transfer) return [line(r.at, callid, queue, agent, 'BLINDTRANSFER', visit.transfer.extension, visit.transfer.context, hold, talk, opos)];
        return [line(r.at, callid, queue, agent, str(r.data.by) === 'caller' ? 'COMPLETECALLER' : 'COMPLETEAGENT', hold, talk, opos)];
      }
      case 'acd.abandoned':
        return exit(r, 'ABANDON');
      case 'acd.timeout':
        return exit(r, 'EXITWITHTIMEOUT');
      // The journal does not keep the key; readers get why the caller left instead.
      case 'acd.left':
        return exit(r, 'EXITWITHKEY', str(r.data.reason) === 'withdrawn' ? 'callback' : 'option');
      case 'acd.noAgents':
        if (visit) return exit(r, 'EXITEMPTY');
        return [line(r.at, callidOf(r), r.queueId ?? 'NONE', 'NONE', 'JOINEMPTY')];
      case 'acd.full':
        return [line(r.at, callidOf(r), r.queueId ?? 'NONE', 'NONE', 'FULL')];
      case 'acd.agent.login':
        if (r.agentId) logins.set(r.agentId, r.at);
        return [line(r.at, 'NONE', 'NONE', agent, 'AGENTLOGIN', '')];
      case 'acd.agent.logout': {
        const since = r.agentId ? logins.get(r.agentId) : undefined;
        if (r.agentId) logins.delete(r.agentId);
        return [line(r.at, 'NONE', 'NONE', agent, 'AGENTLOGOFF', '', since === undefined ? 0 : secs(r.at - since))];
      }
      case 'acd.agent.paused':
        return [line(r.at, 'NONE', 'NONE', agent, 'PAUSE', str(r.data.reason) ?? '')];
      case 'acd.agent.unpaused':
        return [line(r.at, 'NONE', 'NONE', agent, 'UNPAUSE', str(r.data.reason) ?? '')];
      default:
        return [];
    }
  }

  return { write };
}
