import type { AgentConfig, AgentSavedState, Channel, PauseReason, QueueConfig } from '../core/acd/acd-types.js';
import type { JournalRow } from '../core/stats/stats-types.js';

export interface SkillRecord {
  id: string;
  description: string;
}

/** Admin-edited ACD configuration (agents, queues, skills, pause reasons) in SQLite. */
export interface AcdConfigStore {
  listSkills(): SkillRecord[];
  putSkill(skill: SkillRecord): void;
  deleteSkill(id: string): boolean;
  listAgents(): AgentConfig[];
  getAgent(id: string): AgentConfig | undefined;
  putAgent(agent: AgentConfig): void;
  deleteAgent(id: string): boolean;
  listQueues(): QueueConfig[];
  getQueue(id: string): QueueConfig | undefined;
  putQueue(queue: QueueConfig): void;
  deleteQueue(id: string): boolean;
  listPauseReasons(): PauseReason[];
  putPauseReason(reason: PauseReason): void;
  deletePauseReason(code: string): boolean;
}

/** A caller waiting in a queue, kept so a restart puts them back in their place. */
export interface SavedInteraction {
  id: string;
  channel: Channel;
  queueId: string;
  callId: string | null;
  enqueuedAt: number;
  priority: number;
  skills: string[];
  /** Talking to an agent (kept so a restart re-adopts the conversation instead of queueing again). */
  connected?: { agentId: string; legId: string; bridgeId: string; connectedAt: number } | null;
  /** A callback: the number to call and how many attempts so far. */
  caller?: { number: string; name: string; attempt: number } | null;
}

/** A row of the ACD journal; the stats fold reads the same shape. */
export type AcdEventRow = JournalRow;

/** Live ACD state that must survive a restart, and the ACD's append-only journal. */
export interface AcdStateStore {
  saveAgentState(state: AgentSavedState): void;
  loadAgentStates(): AgentSavedState[];
  saveInteraction(interaction: SavedInteraction): void;
  removeInteraction(id: string): void;
  loadInteractions(): SavedInteraction[];
  appendEvent(row: Omit<AcdEventRow, 'seq'>): void;
  events(filter: { from?: number; to?: number; interactionId?: string; agentId?: string; queueId?: string; type?: string; limit?: number }): AcdEventRow[];
  /** The agent who last answered this caller number since `since` (preferred agent), if any. */
  lastAgentFor(callerNumber: string, since: number): string | null;
  /** Handle times (answer to wrap-up end, ms) of the queue's most recent handled interactions, newest first. */
  recentHandleTimes(queueId: string, limit: number): number[];
}
