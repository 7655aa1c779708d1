import { contextNeeds, project, type ProjectionChange } from './journal-projection.js';
import type { AgentSpan, JournalRow, Miss, Visit } from './stats-types.js';

// The whole journal folded in memory: what the projection must equal. Used to rebuild the
// projection (faster than one query per row) and by tests as the reference.

export interface Facts {
  visits: Visit[];
  spans: AgentSpan[];
  misses: Miss[];
}

export interface Replay {
  apply(row: JournalRow): ProjectionChange;
  facts(): Facts;
}

const wrapKey = (v: Visit) => `${v.interactionId}\u0000${v.visit}`;

export function createReplay(): Replay {
  const visits = new Map<string, Visit[]>();
  const spans = new Map<string, AgentSpan>();
  const openSpans = new Map<string, AgentSpan>();
  const openWraps = new Map<string, Map<string, Visit>>();
  const misses: Miss[] = [];

  const keep = (change: ProjectionChange) => {
    for (const v of change.visits) {
      const list = visits.get(v.interactionId) ?? [];
      list[v.visit] = v;
      visits.set(v.interactionId, list);
      if (v.agentId === null) continue;
      const wraps = openWraps.get(v.agentId) ?? new Map<string, Visit>();
      if (v.wrapStart !== null && !v.wrapFinal) wraps.set(wrapKey(v), v);
      else wraps.delete(wrapKey(v));
      openWraps.set(v.agentId, wraps);
    }
    for (const s of change.spans) {
      spans.set(`${s.agentId}\u0000${s.openedSeq}`, s);
      if (s.end === null) openSpans.set(s.agentId, s);
      else if (openSpans.get(s.agentId)?.openedSeq === s.openedSeq) openSpans.delete(s.agentId);
    }
    misses.push(...change.misses);
  };

  return {
    apply(row) {
      const needs = contextNeeds(row);
      const change = project(row, {
        visits: needs.visits ? (visits.get(row.interactionId!) ?? []) : [],
        openSpan: needs.openSpan ? (openSpans.get(row.agentId!) ?? null) : null,
        openWrapUps: needs.openWrapUps ? [...(openWraps.get(row.agentId!)?.values() ?? [])] : [],
      });
      keep(change);
      return change;
    },
    facts: () => ({ visits: [...visits.values()].flat(), spans: [...spans.values()], misses: [...misses] }),
  };
}

/** Facts of a whole journal, rows in seq order. */
export function replayJournal(rows: Iterable<JournalRow>): Facts {
  const replay = createReplay();
  for (const row of rows) replay.apply(row);
  return replay.facts();
}
