import type { CandidateVerdict, RoutingExplanation } from './acd-types.js';
import { preferredAgent, verdict } from './agent-eligibility.js';
import type { AcdState, Interaction } from './engine-state.js';

// "Why is this caller still waiting?" and "why did that agent get it?". A waiting interaction is
// explained live against every agent; an assigned one shows the decision as made; a finished one
// keeps that decision for a while (at least the last ARCHIVE_LIMIT interactions).

function recorded(i: Interaction, phase: RoutingExplanation['phase']): RoutingExplanation {
  return {
    interactionId: i.id,
    phase,
    queueId: i.queue.id,
    strategy: i.queue.config.strategy,
    step: i.step,
    requirements: i.requirements,
    decision: i.decision,
    candidates: [],
    waitingBecause: null,
  };
}

export function archiveInteraction(s: AcdState, i: Interaction): void {
  s.archive.set(i.id, recorded(i, 'gone'));
}

/** Busy agents count as one kind whatever they are busy with. */
function kindOf(reason: string): string {
  return reason.startsWith('busy (') ? 'busy' : reason;
}

function waitingBecause(s: AcdState, i: Interaction, at: number, candidates: CandidateVerdict[]): string {
  if (candidates.length === 0) return 'no agents configured';
  if (candidates.some((c) => c.eligible)) return 'an eligible agent is free: routing is due';
  const preferred = preferredAgent(s, i, at);
  const counts = new Map<string, number>();
  for (const c of candidates) {
    if (preferred && c.reason === 'waiting for preferred agent') continue;
    const kind = kindOf(c.reason);
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
  }
  const parts = [...counts].sort((a, b) => b[1] - a[1]).map(([kind, n]) => `${n} ${kind}`);
  if (preferred) return `waiting for preferred agent ${preferred.id}${parts.length ? `: ${parts.join(', ')}` : ''}`;
  return `no eligible agent is free: ${parts.join(', ')}`;
}

export function explain(s: AcdState, interactionId: string, at: number): RoutingExplanation | undefined {
  const i = s.interactions.get(interactionId);
  if (!i) return s.archive.get(interactionId);
  if (i.phase !== 'waiting') return recorded(i, i.phase);
  const candidates: CandidateVerdict[] = [];
  for (const a of s.agents.values()) {
    const reason = verdict(s, a, i, at);
    candidates.push({ agentId: a.id, eligible: reason === null, reason: reason ?? 'eligible' });
  }
  candidates.sort((x, y) => (x.agentId < y.agentId ? -1 : x.agentId > y.agentId ? 1 : 0));
  return { ...recorded(i, 'waiting'), candidates, waitingBecause: waitingBecause(s, i, at, candidates) };
}
