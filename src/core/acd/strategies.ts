import type { SkillRequirement, Strategy } from './acd-types.js';
import type { AgentState } from './engine-state.js';

// Picks among the eligible free agents. Ties always end on agent id so that a decision is
// reproducible from the journal.

export interface Pick {
  agents: AgentState[];
  why: string;
}

export interface PickContext {
  requirements: SkillRequirement[];
  /** Round-robin: the agent last offered in this queue. */
  rrLast: string | null;
  at: number;
  random: () => number;
}

type Score = (a: AgentState) => number;

/** Lowest score wins, then longest idle, then agent id. */
function best(candidates: AgentState[], score: Score): AgentState {
  let winner = candidates[0]!;
  let winnerScore = score(winner);
  for (let k = 1; k < candidates.length; k++) {
    const a = candidates[k]!;
    const sc = score(a);
    if (sc < winnerScore || (sc === winnerScore && (a.idleSince < winner.idleSince || (a.idleSince === winner.idleSince && a.id < winner.id)))) {
      winner = a;
      winnerScore = sc;
    }
  }
  return winner;
}

function skillScore(a: AgentState, requirements: SkillRequirement[]): number {
  let sum = 0;
  for (const r of requirements) sum += a.skills.get(r.skill) ?? 0;
  return sum;
}

function nextInOrder(candidates: AgentState[], last: string | null): AgentState {
  let after: AgentState | null = null;
  let first = candidates[0]!;
  for (const a of candidates) {
    if (a.id < first.id) first = a;
    if (last !== null && a.id > last && (after === null || a.id < after.id)) after = a;
  }
  return after ?? first;
}

export function longestIdleWhy(a: AgentState, n: number, at: number): string {
  return `idle ${Math.round((at - a.idleSince) / 1000)} s, longest of ${n} eligible`;
}

export function skillWhy(a: AgentState, requirements: SkillRequirement[], n: number): string {
  return `skill score ${skillScore(a, requirements)}, highest of ${n} eligible`;
}

const byId = (a: AgentState, b: AgentState) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export function pickAgents(strategy: Strategy, candidates: AgentState[], ctx: PickContext): Pick {
  const n = candidates.length;
  const of = `of ${n} eligible`;
  switch (strategy) {
    case 'ring-all':
      return { agents: [...candidates].sort(byId), why: `ringing all ${n} eligible free agents` };
    case 'round-robin': {
      const a = nextInOrder(candidates, ctx.rrLast);
      return { agents: [a], why: `next after ${ctx.rrLast ?? '(none)'} in agent order, ${of}` };
    }
    case 'fewest-interactions': {
      const a = best(candidates, (x) => x.handled);
      return { agents: [a], why: `${a.handled} handled since login, fewest ${of}` };
    }
    case 'least-talk-time': {
      const a = best(candidates, (x) => x.talkMs);
      return { agents: [a], why: `${Math.round(a.talkMs / 1000)} s talk since login, least ${of}` };
    }
    case 'random': {
      const sorted = [...candidates].sort(byId);
      const a = sorted[Math.min(n - 1, Math.floor(ctx.random() * n))]!;
      return { agents: [a], why: `random pick ${of}` };
    }
    case 'skill-weighted': {
      const a = best(candidates, (x) => -skillScore(x, ctx.requirements));
      return { agents: [a], why: skillWhy(a, ctx.requirements, n) };
    }
    case 'longest-idle': {
      const a = best(candidates, () => 0);
      return { agents: [a], why: longestIdleWhy(a, n, ctx.at) };
    }
  }
}
