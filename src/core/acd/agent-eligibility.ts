import { CHANNELS, type AgentActivity, type Channel } from './acd-types.js';
import type { AcdState, AgentState, Interaction } from './engine-state.js';
import { meetsRequirements, skillGap } from './requirements.js';

// Who may be offered what. The channel-level part (status, registration, wrap-up, capacity,
// offer-while-busy) does not depend on the interaction, so it is kept in an index (agent-index);
// the rest (skills, recent miss, preferred agent) is checked per interaction.

export const CHANNEL_BIT: Record<Channel, number> = { voice: 1, chat: 2, email: 4, callback: 8 };

/** Agents with no endpoint are digital-only: nothing to register. */
export function isRegistered(a: AgentState): boolean {
  return a.config.endpoints.length === 0 || a.registeredEndpoints > 0;
}

export function isStaffed(a: AgentState): boolean {
  return a.status === 'available' && isRegistered(a);
}

/** Why the agent cannot take anything of `channel` now, skills aside (null: it can). */
export function channelBlock(a: AgentState, channel: Channel): string | null {
  if (a.status === 'loggedOut') return 'logged out';
  if (a.status === 'paused') return `paused (${a.pauseReason ?? ''})`;
  if (!isRegistered(a)) return 'not registered';
  if (a.wrapUpUntil !== null) return 'wrap-up';
  for (const k of CHANNELS) {
    if (a.perChannel[k] > 0 && !(a.config.offerWhileBusy[k] ?? []).includes(channel)) return `busy (${a.activity})`;
  }
  if (a.perChannel[channel] >= (a.config.capacity[channel] ?? 0)) return `no ${channel} capacity`;
  return null;
}

export function freeMaskOf(a: AgentState): number {
  if (!isStaffed(a) || a.wrapUpUntil !== null) return 0;
  let mask = 0;
  for (const c of CHANNELS) if (channelBlock(a, c) === null) mask |= CHANNEL_BIT[c];
  return mask;
}

export function deriveActivity(a: AgentState): AgentActivity {
  if (a.connected.size > 0) return 'onCall';
  let reserved = false;
  for (const o of a.offers) {
    if (o.ringing) return 'ringing';
    reserved = true;
  }
  if (reserved) return 'reserved';
  return a.wrapUpUntil !== null ? 'wrapUp' : 'idle';
}

/** The preferred agent while its window is open and it has the skills; otherwise null (anyone). */
export function preferredAgent(s: AcdState, i: Interaction, at: number): AgentState | null {
  const id = i.request.preferredAgentId;
  if (id === null || at >= i.enqueuedAt + i.queue.config.preferredAgentSec * 1000) return null;
  const a = s.agents.get(id);
  return a && meetsRequirements(a.skills, i.requirements) ? a : null;
}

export function missedRecently(a: AgentState, i: Interaction, at: number): boolean {
  const until = i.missedUntil.get(a.id);
  return until !== undefined && at < until;
}

/** The routing check: the agent is free for the channel (index) and fits this interaction. */
export function canTake(a: AgentState, i: Interaction, at: number): boolean {
  return (a.freeMask & CHANNEL_BIT[i.channel]) !== 0 && !a.holds.has(i.id) && meetsRequirements(a.skills, i.requirements) && !missedRecently(a, i, at);
}

/** The explanation's verdict: null when the agent could be offered the interaction now. */
export function verdict(s: AcdState, a: AgentState, i: Interaction, at: number): string | null {
  const gap = skillGap(a.skills, i.requirements);
  if (gap) return gap;
  if (a.holds.has(i.id)) return `busy (${a.activity})`;
  const block = channelBlock(a, i.channel);
  if (block) return block;
  if (missedRecently(a, i, at)) return 'missed this offer recently';
  const preferred = preferredAgent(s, i, at);
  if (preferred && preferred !== a) return 'waiting for preferred agent';
  return null;
}
