import { isCallbackInteraction, num, str, type AcdFact } from './journal-facts.js';

/** How a segment ended; `waiting` and `talking` while it has not. */
export type SegmentResult =
  | 'waiting'
  | 'talking'
  | 'completed'
  | 'transferred'
  | 'abandoned'
  | 'option'
  | 'callback'
  | 'timeout'
  | 'full'
  | 'noAgents'
  | 'overflow'
  | 'noAnswer';

export interface SegmentOffer {
  offerId: string | null;
  agentId: string | null;
  offeredAt: number;
  ringingAt: number | null;
  endedAt: number | null;
  result: 'ringing' | 'answered' | 'missed' | 'cancelled';
  reason: string | null;
}

export type TransferTarget = { queue: string } | { number: string };

/**
 * One queue visit of the caller and the conversation that came of it: a transfer or an overflow
 * starts a new segment, so each agent's talk time stays with that agent. A callback attempt is a
 * segment of kind `callback` (the customer is dialled; the caller is not waiting on this line).
 */
export interface Segment {
  index: number;
  kind: 'queue' | 'callback';
  interactionId: string | null;
  queueId: string | null;
  enteredAt: number;
  /** The agent who took it (for a callback, who picked up to call the customer). */
  agentId: string | null;
  /** When the conversation began: the agent's answer, or the customer's for a callback. */
  answeredAt: number | null;
  endedAt: number | null;
  result: SegmentResult;
  endedBy: string | null;
  waitMs: number;
  talkMs: number;
  wrapUpMs: number | null;
  offers: SegmentOffer[];
  transferredTo: TransferTarget | null;
  /** Why a transfer to a number did not happen (the caller went back to the queue). */
  transferFailed: string | null;
}

interface Open extends Segment {
  pickedUpAt: number | null;
}

const transferTarget = (v: unknown): TransferTarget | null => {
  const t = v as { queue?: unknown; number?: unknown } | null | undefined;
  if (typeof t?.queue === 'string') return { queue: t.queue };
  if (typeof t?.number === 'string') return { number: t.number };
  return null;
};

/** Segments of one call from its ACD rows (in journal order); `now` sizes the ones still open. */
export function deriveSegments(rows: readonly AcdFact[], now: number): Segment[] {
  const all: Open[] = [];
  const open = new Map<string, Open>();
  const key = (r: AcdFact) => r.interactionId ?? '';

  const start = (r: AcdFact, queueId: string | null): Open => {
    const s: Open = {
      index: all.length + 1,
      kind: isCallbackInteraction(r.interactionId) ? 'callback' : 'queue',
      interactionId: r.interactionId,
      queueId,
      enteredAt: r.at,
      agentId: null,
      answeredAt: null,
      endedAt: null,
      result: 'waiting',
      endedBy: null,
      waitMs: 0,
      talkMs: 0,
      wrapUpMs: null,
      offers: [],
      transferredTo: null,
      transferFailed: null,
      pickedUpAt: null,
    };
    all.push(s);
    open.set(key(r), s);
    return s;
  };
  const current = (r: AcdFact) => open.get(key(r)) ?? start(r, r.queueId);
  const close = (s: Open, at: number, result: SegmentResult) => {
    s.endedAt = at;
    s.result = result;
    open.delete(s.interactionId ?? '');
  };
  const lastOf = (r: AcdFact, match: (s: Open) => boolean = () => true) =>
    all.findLast((s) => s.interactionId === r.interactionId && match(s));
  const offerOf = (s: Open, r: AcdFact) => {
    const id = str(r.data.offerId);
    return s.offers.findLast((o) => (id !== null ? o.offerId === id : o.agentId === r.agentId));
  };

  for (const r of rows) {
    switch (r.type) {
      case 'acd.enqueued':
      case 'acd.step':
        current(r);
        break;
      case 'acd.overflow': {
        const from = str(r.data.from);
        const s = open.get(key(r));
        if (s) close(s, r.at, 'overflow');
        else {
          // A full queue at arrival: its segment already ended `full`; the caller went on.
          const full = lastOf(r, (x) => x.result === 'full' && x.queueId === from);
          if (full) full.result = 'overflow';
        }
        start(r, str(r.data.to) ?? r.queueId);
        break;
      }
      case 'acd.offered': {
        current(r).offers.push({ offerId: str(r.data.offerId), agentId: r.agentId, offeredAt: r.at, ringingAt: null, endedAt: null, result: 'ringing', reason: null });
        break;
      }
      case 'acd.offer.ringing': {
        const o = offerOf(current(r), r);
        if (o) o.ringingAt ??= r.at;
        break;
      }
      case 'acd.offer.missed':
      case 'acd.offer.cancelled': {
        const o = offerOf(current(r), r);
        if (o) Object.assign(o, { endedAt: r.at, result: r.type === 'acd.offer.missed' ? 'missed' : 'cancelled', reason: str(r.data.reason) });
        break;
      }
      case 'acd.offer.answered':
      case 'acd.adopted': {
        const s = current(r);
        const o = offerOf(s, r);
        if (o) Object.assign(o, { endedAt: r.at, result: 'answered' });
        s.agentId = r.agentId ?? str(r.data.agentId);
        s.pickedUpAt = r.at;
        if (s.kind === 'queue') {
          s.answeredAt = r.type === 'acd.adopted' ? (num(r.data.connectedAt) ?? r.at) : r.at;
          s.result = 'talking';
        }
        break;
      }
      case 'acd.callback.connected': {
        const s = current(r);
        s.agentId ??= r.agentId;
        s.answeredAt = r.at;
        s.result = 'talking';
        break;
      }
      case 'acd.transferred':
        current(r).transferredTo = transferTarget(r.data.to);
        break;
      case 'acd.transfer.failed': {
        const s = lastOf(r, (x) => x.transferredTo !== null);
        if (s) s.transferFailed = str(r.data.reason) ?? 'failed';
        break;
      }
      case 'acd.ended': {
        const s = open.get(key(r)) ?? lastOf(r);
        if (!s) break;
        s.agentId ??= r.agentId;
        s.endedBy = str(r.data.by);
        if (s.answeredAt !== null) s.talkMs = num(r.data.talkMs) ?? Math.max(0, r.at - s.answeredAt);
        const result = s.transferredTo ? 'transferred' : s.answeredAt !== null ? 'completed' : 'noAnswer';
        if (open.get(key(r)) === s) close(s, r.at, result);
        else Object.assign(s, { result, endedAt: s.endedAt ?? r.at });
        break;
      }
      case 'acd.callback.noAnswer': {
        const s = lastOf(r);
        if (s) Object.assign(s, { result: 'noAnswer', endedAt: s.endedAt ?? r.at });
        if (s) open.delete(key(r));
        break;
      }
      case 'acd.wrapup.ended': {
        const s = lastOf(r, (x) => x.agentId === r.agentId && x.endedAt !== null);
        if (s?.endedAt != null) s.wrapUpMs = Math.max(0, r.at - s.endedAt);
        break;
      }
      case 'acd.abandoned':
        close(current(r), r.at, 'abandoned');
        break;
      case 'acd.left':
        close(current(r), r.at, str(r.data.reason) === 'withdrawn' ? 'callback' : 'option');
        break;
      case 'acd.timeout':
        close(current(r), r.at, 'timeout');
        break;
      case 'acd.full':
        close(current(r), r.at, 'full');
        break;
      case 'acd.noAgents':
        close(current(r), r.at, 'noAgents');
        break;
    }
  }

  return all.map(({ pickedUpAt, ...s }) => {
    const waitedUntil = (s.kind === 'callback' ? pickedUpAt : s.answeredAt) ?? s.endedAt ?? now;
    const talkMs = s.result === 'talking' && s.answeredAt !== null ? Math.max(0, now - s.answeredAt) : s.talkMs;
    return { ...s, waitMs: Math.max(0, waitedUntil - s.enteredAt), talkMs };
  });
}
