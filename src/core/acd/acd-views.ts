import type { AgentView, InteractionView, QueueSnapshot } from './acd-types.js';
import { isRegistered, isStaffed } from './agent-eligibility.js';
import type { AcdState, AgentState, Interaction, QueueState } from './engine-state.js';
import { ewtOf } from './ewt.js';
import { meetsRequirements } from './requirements.js';
import { compareKeys } from './sorted-list.js';

// Read-only views of the engine's state for the shell, the API and wallboards.

export function agentView(a: AgentState): AgentView {
  return {
    id: a.id,
    name: a.config.name,
    status: a.status,
    pauseReason: a.pauseReason,
    activity: a.activity,
    registered: isRegistered(a),
    statusSince: a.statusSince,
    activitySince: a.activitySince,
    idleSince: a.idleSince,
    wrapUpUntil: a.wrapUpUntil,
    handled: a.handled,
    talkMs: a.talkMs,
    consecutiveMisses: a.consecutiveMisses,
    interactions: [...a.holds.keys()],
  };
}

export function interactionView(s: AcdState, i: Interaction): InteractionView {
  const { position, ewtSec } = ewtOf(s, i);
  const offered = i.offers.size === 1 ? [...i.offers][0]!.agent.id : null;
  return {
    id: i.id,
    channel: i.channel,
    queueId: i.queue.id,
    callId: i.request.callId,
    phase: i.phase,
    enqueuedAt: i.enqueuedAt,
    priority: i.request.priority,
    position,
    step: i.step,
    requirements: i.requirements,
    agentId: i.agentId ?? offered,
    ewtSec,
  };
}

export function interactionsOf(s: AcdState, q: QueueState): InteractionView[] {
  return [...q.members].sort(compareKeys).map((i) => interactionView(s, i));
}

/**
 * Agents counted are those meeting the queue's own skills. staffed: logged in, registered, not
 * paused; available: staffed and idle (could take a call now); activities count every logged-in
 * agent; paused counts per reason code.
 */
export function snapshot(s: AcdState, q: QueueState, at: number): QueueSnapshot {
  const agents: QueueSnapshot['agents'] = { staffed: 0, available: 0, idle: 0, reserved: 0, ringing: 0, onCall: 0, wrapUp: 0, paused: {} };
  const skills = q.config.skills;
  let pool: Iterable<AgentState> = s.agents.values();
  for (const r of skills) {
    const holders = s.agentsBySkill.get(r.skill) ?? [];
    if (holders.length < (Array.isArray(pool) ? pool.length : s.agents.size)) pool = holders;
  }
  for (const a of pool) {
    if (a.status === 'loggedOut' || !meetsRequirements(a.skills, skills)) continue;
    const staffed = isStaffed(a);
    if (staffed) agents.staffed++;
    if (staffed && a.activity === 'idle') agents.available++;
    agents[a.activity]++;
    if (a.status === 'paused') {
      const reason = a.pauseReason ?? '';
      agents.paused[reason] = (agents.paused[reason] ?? 0) + 1;
    }
  }
  const callers = [...q.members].filter((i) => i.phase !== 'connected').sort(compareKeys);
  const waitedSec = (i: Interaction) => Math.max(0, Math.floor((at - i.enqueuedAt) / 1000));
  return {
    queueId: q.id,
    waiting: q.waiting.size,
    longestWaitSec: callers.reduce((max, i) => Math.max(max, waitedSec(i)), 0),
    agents,
    callers: callers.map((i) => ({ interactionId: i.id, callId: i.request.callId, waitedSec: waitedSec(i), priority: i.request.priority, step: i.step, phase: i.phase })),
  };
}
