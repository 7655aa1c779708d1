import type { AgentView, QueueSnapshot, RoutingExplanation } from '../../../core/acd/acd-types.js';
import type { AcdEventRow } from '../../../ports/acd-store.js';
import type { AcdLiveEvent } from '../../../services/acd-control.js';
import type { TodayCounters } from '../../../services/stats-service.js';

// The API speaks ISO times like every other route; the engine's milliseconds stay inside.
export const iso = (ms: number) => new Date(ms).toISOString();

export const agentViewToApi = (a: AgentView) => ({
  ...a,
  statusSince: iso(a.statusSince),
  activitySince: iso(a.activitySince),
  idleSince: iso(a.idleSince),
  wrapUpUntil: a.wrapUpUntil === null ? null : iso(a.wrapUpUntil),
});

export const explanationToApi = (e: RoutingExplanation) => ({
  ...e,
  decision: e.decision === null ? null : { ...e.decision, at: iso(e.decision.at) },
});

export const todayToApi = ({ queueId: _queueId, ...t }: TodayCounters) => ({ ...t, since: iso(t.since) });

/** Live snapshots with today's counters when the stats are there. */
export function withToday(snapshots: QueueSnapshot[], today: TodayCounters[] | null) {
  const byQueue = new Map((today ?? []).map((t) => [t.queueId, t]));
  return snapshots.map((s) => {
    const t = byQueue.get(s.queueId);
    return t ? { ...s, today: todayToApi(t) } : s;
  });
}

export const journalRowToApi = (r: AcdEventRow) => ({ ...r, at: iso(r.at) });

export function liveEventToApi(e: AcdLiveEvent) {
  switch (e.type) {
    case 'agent':
      return { ...e, at: iso(e.at), agent: agentViewToApi(e.agent) };
    case 'queue':
    case 'journal':
      return { ...e, at: iso(e.at) };
  }
}
