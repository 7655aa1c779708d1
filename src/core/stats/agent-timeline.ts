import { OPEN_TALK_CAP_MS } from './agent-metrics.js';
import type { AgentSpan, Miss, Visit } from './stats-types.js';

/** One thing on an agent's day, clipped to the range asked for (end null: still going). */
export type TimelineEntry =
  | { kind: 'status'; start: number; end: number | null; status: 'available' | 'paused'; reason: string | null; productive: boolean }
  | {
      kind: 'conversation';
      start: number;
      end: number | null;
      /** Wrap-up after it, until then (announced until it is over). */
      wrapUpEnd: number | null;
      interactionId: string;
      callId: string | null;
      queueId: string;
      channel: Visit['channel'];
      transferredOut: boolean;
    }
  | { kind: 'missed'; start: number; queueId: string | null; interactionId: string | null };

const overlaps = (start: number, end: number | null, from: number, to: number) => start < to && (end === null || end > from);

// An agent's timeline, derived like every statistic from the journal's projection: status spans
// (logged out is the gaps between them), conversations with their wrap-up, and missed offers.
export function agentTimeline(agentId: string, input: { spans: AgentSpan[]; visits: Visit[]; misses: Miss[] }, from: number, to: number, now: number): TimelineEntry[] {
  const entries: TimelineEntry[] = [];
  for (const s of input.spans) {
    if (s.agentId !== agentId || !overlaps(s.start, s.end, from, to)) continue;
    entries.push({ kind: 'status', start: s.start, end: s.end, status: s.status, reason: s.reason, productive: s.productive });
  }
  for (const v of input.visits) {
    if (v.agentId !== agentId || v.answeredAt === null) continue;
    // A conversation whose end the journal never got (lost) is capped like the agent stats cap it.
    const end = v.endedAt ?? (now - v.answeredAt > OPEN_TALK_CAP_MS ? v.answeredAt + OPEN_TALK_CAP_MS : null);
    const last = v.wrapEnd ?? end;
    if (!overlaps(v.answeredAt, last, from, to)) continue;
    entries.push({
      kind: 'conversation',
      start: v.answeredAt,
      end,
      wrapUpEnd: v.wrapEnd,
      interactionId: v.interactionId,
      callId: v.callId,
      queueId: v.queueId,
      channel: v.channel,
      transferredOut: v.transferOut,
    });
  }
  for (const m of input.misses) {
    if (m.agentId === agentId && m.at >= from && m.at < to) entries.push({ kind: 'missed', start: m.at, queueId: m.queueId, interactionId: m.interactionId });
  }
  return entries.sort((a, b) => a.start - b.start || a.kind.localeCompare(b.kind));
}
