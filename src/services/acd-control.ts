import type { AgentView, QueueSnapshot, RoutingExplanation } from '../core/acd/acd-types.js';

export type AcdErrorCode = 'agent_not_found' | 'queue_not_found' | 'interaction_not_found' | 'unknown_reason' | 'invalid_state';

export class AcdError extends Error {
  constructor(readonly code: AcdErrorCode, message: string) {
    super(message);
    this.name = 'AcdError';
  }
}

/** One event of the live stream for wallboards (SSE). */
export type AcdLiveEvent =
  | { type: 'agent'; at: number; agent: AgentView }
  | { type: 'queue'; at: number; snapshot: QueueSnapshot }
  | { type: 'journal'; at: number; event: string; interactionId?: string; agentId?: string; queueId?: string; data: Record<string, unknown> };

/** What HTTP routes may ask of the ACD (implemented by services/acd-service). */
export interface AcdControl {
  login(agentId: string, by: string): AgentView;
  logout(agentId: string, by: string): AgentView;
  pause(agentId: string, reason: string, by: string): AgentView;
  unpause(agentId: string, by: string): AgentView;
  endWrapUp(agentId: string, by: string): AgentView;
  extendWrapUp(agentId: string, seconds: number, by: string): AgentView;
  agent(agentId: string): AgentView | undefined;
  agents(): AgentView[];
  snapshot(queueId: string): QueueSnapshot | undefined;
  snapshots(): QueueSnapshot[];
  explain(interactionId: string): RoutingExplanation | undefined;
  subscribe(listener: (event: AcdLiveEvent) => void): () => void;
  /** The admin changed agents, queues or pause reasons in the store: apply them now. */
  reloadConfig(): void;
  /** Blind transfer of a connected caller to another queue (keeps their first arrival) or to a phone number. */
  transfer(interactionId: string, target: { queue: string } | { number: string }, by: string): { interactionId: string };
}
