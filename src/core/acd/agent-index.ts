import { CHANNELS, type Channel, type SkillRequirement } from './acd-types.js';
import { CHANNEL_BIT, deriveActivity, freeMaskOf, isStaffed } from './agent-eligibility.js';
import { compareIdle, MAX_LEVEL, type AcdState, type AgentState, type FreeIndex, type StaffedIndex, type Work } from './engine-state.js';
import { meetsRequirements } from './requirements.js';
import { SortedList } from './sorted-list.js';

// Free and staffed agents indexed per skill and proficiency level, so that a decision looks only
// at agents holding the interaction's rarest skill at the level it needs, and counts them from list
// sizes. Free lists are in longest-idle order: the default strategy takes the first that fits.

export function levelOf(proficiency: number): number {
  return Math.max(0, Math.min(MAX_LEVEL, Math.floor(proficiency)));
}

function freeAdd(ix: FreeIndex, a: AgentState): void {
  ix.all.insert(a);
  for (let k = 0; k < a.skillList.length; k++) {
    const skill = a.skillList[k]!;
    let levels = ix.bySkill.get(skill);
    if (!levels) ix.bySkill.set(skill, (levels = Array.from({ length: MAX_LEVEL + 1 }, () => new SortedList<AgentState>(compareIdle))));
    levels[a.skillLevels[k]!]!.insert(a);
  }
}

function freeRemove(ix: FreeIndex, a: AgentState): void {
  ix.all.remove(a);
  for (let k = 0; k < a.skillList.length; k++) ix.bySkill.get(a.skillList[k]!)?.[a.skillLevels[k]!]?.remove(a);
}

function staffedAdd(ix: StaffedIndex, a: AgentState): void {
  ix.all.add(a);
  for (let k = 0; k < a.skillList.length; k++) {
    const skill = a.skillList[k]!;
    let levels = ix.bySkill.get(skill);
    if (!levels) ix.bySkill.set(skill, (levels = Array.from({ length: MAX_LEVEL + 1 }, () => new Set<AgentState>())));
    levels[a.skillLevels[k]!]!.add(a);
  }
}

function staffedRemove(ix: StaffedIndex, a: AgentState): void {
  ix.all.delete(a);
  for (let k = 0; k < a.skillList.length; k++) ix.bySkill.get(a.skillList[k]!)?.[a.skillLevels[k]!]?.delete(a);
}

/** The per-level containers holding agents that meet `r` (levels >= its minimum). */
export function levelsMeeting<C>(levels: C[] | undefined, r: SkillRequirement): C[] {
  return levels ? levels.slice(levelOf(Math.ceil(r.minProficiency))) : [];
}

function sizeOf(containers: (Set<AgentState> | SortedList<AgentState>)[]): number {
  let n = 0;
  for (const c of containers) n += c.size;
  return n;
}

/** The requirement met by the fewest indexed agents, with those agents' containers; null: no requirement. */
export function narrowest<C extends Set<AgentState> | SortedList<AgentState>>(bySkill: Map<string, C[]>, requirements: SkillRequirement[]): { containers: C[]; size: number } | null {
  let best: { containers: C[]; size: number } | null = null;
  for (const r of requirements) {
    const containers = levelsMeeting(bySkill.get(r.skill), r);
    const size = sizeOf(containers);
    if (!best || size < best.size) best = { containers, size };
    if (size === 0) break;
  }
  return best;
}

/** Staffed agents meeting every requirement: list sizes when one skill decides, a scan otherwise. */
export function countStaffed(ix: StaffedIndex, requirements: SkillRequirement[]): number {
  const pick = narrowest(ix.bySkill, requirements);
  if (!pick) return ix.all.size;
  if (requirements.length === 1 || pick.size === 0) return pick.size;
  let n = 0;
  for (const set of pick.containers) for (const a of set) if (meetsRequirements(a.skills, requirements)) n++;
  return n;
}

/** Starts keeping the free index of a channel (its first interaction). */
export function indexChannel(s: AcdState, channel: Channel): void {
  const bit = CHANNEL_BIT[channel];
  if (s.indexedChannels & bit) return;
  s.indexedChannels |= bit;
  for (const a of s.agents.values()) {
    if ((a.freeMask & bit) === 0) continue;
    if (a.indexedMask === 0) a.idleKey = a.idleSince;
    freeAdd(s.free[channel], a);
    a.indexedMask |= bit;
  }
}

/**
 * After any change to an agent: recompute its activity and its place in the free and staffed
 * indexes, and note what the end of the event must do (route it, check leaveWhenEmpty, notify).
 */
export function refreshAgent(w: Work, a: AgentState): void {
  w.agentsChanged.add(a.id);
  const activity = deriveActivity(a);
  if (activity !== a.activity) {
    a.activity = activity;
    a.activitySince = w.at;
  }
  if (w.s.agents.get(a.id) !== a) return;
  const mask = freeMaskOf(a);
  const indexed = mask & w.s.indexedChannels;
  if (indexed !== a.indexedMask || (indexed !== 0 && a.idleKey !== a.idleSince)) {
    for (const c of CHANNELS) if (a.indexedMask & CHANNEL_BIT[c]) freeRemove(w.s.free[c], a);
    a.idleKey = a.idleSince;
    for (const c of CHANNELS) if (indexed & CHANNEL_BIT[c]) freeAdd(w.s.free[c], a);
    a.indexedMask = indexed;
  }
  if (mask & ~a.freeMask) w.freed.add(a);
  a.freeMask = mask;
  const staffed = isStaffed(a);
  if (staffed !== a.staffedIndexed) {
    if (staffed) staffedAdd(w.s.staffed, a);
    else {
      staffedRemove(w.s.staffed, a);
      w.unstaffed.add(a);
    }
    a.staffedIndexed = staffed;
  }
}
