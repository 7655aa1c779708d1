import { CHANNEL_BIT, canTake, missedRecently, preferredAgent } from './agent-eligibility.js';
import { narrowest } from './agent-index.js';
import { compareIdle, type AcdState, type AgentState, type Interaction } from './engine-state.js';
import { meetsRequirements } from './requirements.js';
import type { Cursor, SortedList } from './sorted-list.js';
import { longestIdleWhy, pickAgents, skillWhy } from './strategies.js';

// Finds who gets a waiting interaction among the free agents of its channel. The free lists hold
// only agents with the interaction's rarest skill at the level it needs, longest idle first, so
// longest-idle (and skill-weighted on one skill) take the first agent that fits and count the
// candidates from list sizes; the other strategies compare every candidate.

export interface Choice {
  agents: AgentState[];
  candidates: number;
  why: string;
}

function firstInIdleOrder(lists: SortedList<AgentState>[], fits: (a: AgentState) => boolean): AgentState | null {
  if (lists.length === 1) return lists[0]!.find(fits) ?? null;
  const cursors = lists.map((l) => l.cursor());
  for (;;) {
    let bestCursor: Cursor<AgentState> | undefined;
    let best: AgentState | undefined;
    for (const c of cursors) {
      const a = c.peek();
      if (a && (!best || compareIdle(a, best) < 0)) {
        best = a;
        bestCursor = c;
      }
    }
    if (!best || !bestCursor) return null;
    if (fits(best)) return best;
    bestCursor.next();
  }
}

/** With at most one requirement the lists hold exactly the agents meeting it: only recent misses are out. */
function countBySize(s: AcdState, i: Interaction, size: number, at: number): number {
  let n = size;
  for (const agentId of i.missedUntil.keys()) {
    const a = s.agents.get(agentId);
    if (a && missedRecently(a, i, at) && (a.freeMask & CHANNEL_BIT[i.channel]) !== 0 && meetsRequirements(a.skills, i.requirements)) n--;
  }
  return n;
}

function scan(lists: SortedList<AgentState>[], i: Interaction, at: number): AgentState[] {
  const out: AgentState[] = [];
  for (const list of lists) for (const a of list.toArray()) if (canTake(a, i, at)) out.push(a);
  return out;
}

export function choose(s: AcdState, i: Interaction, at: number): Choice | null {
  const free = s.free[i.channel];
  if (free.all.size === 0) return null;
  const preferred = preferredAgent(s, i, at);
  if (preferred) return canTake(preferred, i, at) ? { agents: [preferred], candidates: 1, why: 'preferred agent' } : null;
  const pick = narrowest(free.bySkill, i.requirements);
  const lists = pick ? pick.containers : [free.all];
  const size = pick ? pick.size : free.all.size;
  if (size === 0) return null;
  const strategy = i.queue.config.strategy;
  const oneSkill = i.requirements.length <= 1;
  const fits = (a: AgentState) => canTake(a, i, at);
  if (strategy === 'longest-idle') {
    const a = firstInIdleOrder(lists, fits);
    if (!a) return null;
    const n = oneSkill ? countBySize(s, i, size, at) : scan(lists, i, at).length;
    return { agents: [a], candidates: n, why: longestIdleWhy(a, n, at) };
  }
  if (strategy === 'skill-weighted' && oneSkill && pick) {
    // Levels ascend, so the highest proficiency comes from the last list.
    for (let k = lists.length - 1; k >= 0; k--) {
      const a = firstInIdleOrder([lists[k]!], fits);
      if (!a) continue;
      const n = countBySize(s, i, size, at);
      return { agents: [a], candidates: n, why: skillWhy(a, i.requirements, n) };
    }
    return null;
  }
  const candidates = scan(lists, i, at);
  if (candidates.length === 0) return null;
  const p = pickAgents(strategy, candidates, { requirements: i.requirements, rrLast: i.queue.rrLast, at, random: s.random });
  return { agents: p.agents, candidates: candidates.length, why: p.why };
}
