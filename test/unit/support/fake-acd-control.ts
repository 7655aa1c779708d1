import type { AgentView, QueueSnapshot, RoutingExplanation } from '../../../src/core/acd/acd-types.js';
import type { AcdConfigStore } from '../../../src/ports/acd-store.js';
import { AcdError, type AcdControl, type AcdLiveEvent } from '../../../src/services/acd-control.js';

/**
 * An ACD stand-in for HTTP tests: agents come from the config store, status changes follow the
 * obvious rules, and the test sets snapshots, explanations and pushes live events by hand.
 */
export class FakeAcdControl implements AcdControl {
  readonly views = new Map<string, AgentView>();
  readonly queueSnapshots = new Map<string, QueueSnapshot>();
  readonly explanations = new Map<string, RoutingExplanation>();
  readonly actions: { action: string; agentId: string; by: string; arg?: string | number }[] = [];
  reloads = 0;
  private readonly listeners = new Set<(event: AcdLiveEvent) => void>();

  constructor(private readonly config: AcdConfigStore, private readonly now: () => number) {}

  get listenerCount(): number {
    return this.listeners.size;
  }

  emit(event: AcdLiveEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  /** The agent's view, created logged out on first use; throws like the ACD for an unknown agent. */
  view(agentId: string): AgentView {
    const config = this.config.getAgent(agentId);
    if (!config) throw new AcdError('agent_not_found', `agent '${agentId}' does not exist`);
    let view = this.views.get(agentId);
    if (!view) {
      const at = this.now();
      view = {
        id: agentId, name: config.name, status: 'loggedOut', pauseReason: null, activity: 'idle', registered: false,
        statusSince: at, activitySince: at, idleSince: at, wrapUpUntil: null, handled: 0, talkMs: 0, consecutiveMisses: 0, interactions: [],
      };
      this.views.set(agentId, view);
    }
    return view;
  }

  private change(action: string, agentId: string, by: string, patch: Partial<AgentView>, arg?: string | number): AgentView {
    const view = { ...this.view(agentId), ...patch };
    this.views.set(agentId, view);
    this.actions.push({ action, agentId, by, ...(arg !== undefined ? { arg } : {}) });
    return view;
  }

  transfer(interactionId: string, target: { queue: string } | { number: string }, by: string): { interactionId: string } {
    const holder = [...this.views.values()].find((v) => v.interactions.includes(interactionId));
    if (!holder) throw new AcdError('invalid_state', `interaction '${interactionId}' is not connected to an agent`);
    this.actions.push({ action: 'transfer', agentId: holder.id, by, arg: JSON.stringify(target) });
    return { interactionId: `${interactionId}.t1` };
  }

  login(agentId: string, by: string): AgentView {
    return this.change('login', agentId, by, { status: 'available', pauseReason: null, statusSince: this.now() });
  }
  logout(agentId: string, by: string): AgentView {
    return this.change('logout', agentId, by, { status: 'loggedOut', pauseReason: null, statusSince: this.now() });
  }
  pause(agentId: string, reason: string, by: string): AgentView {
    if (this.view(agentId).status === 'loggedOut') throw new AcdError('invalid_state', `agent '${agentId}' is logged out`);
    if (!this.config.listPauseReasons().some((r) => r.code === reason)) throw new AcdError('unknown_reason', `pause reason '${reason}' does not exist`);
    return this.change('pause', agentId, by, { status: 'paused', pauseReason: reason, statusSince: this.now() }, reason);
  }
  unpause(agentId: string, by: string): AgentView {
    if (this.view(agentId).status !== 'paused') throw new AcdError('invalid_state', `agent '${agentId}' is not paused`);
    return this.change('unpause', agentId, by, { status: 'available', pauseReason: null, statusSince: this.now() });
  }
  endWrapUp(agentId: string, by: string): AgentView {
    if (this.view(agentId).activity !== 'wrapUp') throw new AcdError('invalid_state', `agent '${agentId}' is not in wrap-up`);
    return this.change('endWrapUp', agentId, by, { activity: 'idle', wrapUpUntil: null, activitySince: this.now(), idleSince: this.now() });
  }
  extendWrapUp(agentId: string, seconds: number, by: string): AgentView {
    const view = this.view(agentId);
    if (view.activity !== 'wrapUp' || view.wrapUpUntil === null) throw new AcdError('invalid_state', `agent '${agentId}' is not in wrap-up`);
    return this.change('extendWrapUp', agentId, by, { wrapUpUntil: view.wrapUpUntil + seconds * 1000 }, seconds);
  }
  agent(agentId: string): AgentView | undefined {
    return this.config.getAgent(agentId) ? this.view(agentId) : undefined;
  }
  agents(): AgentView[] {
    return this.config.listAgents().map((a) => this.view(a.id));
  }
  snapshot(queueId: string): QueueSnapshot | undefined {
    return this.queueSnapshots.get(queueId);
  }
  snapshots(): QueueSnapshot[] {
    return [...this.queueSnapshots.values()];
  }
  explain(interactionId: string): RoutingExplanation | undefined {
    return this.explanations.get(interactionId);
  }
  subscribe(listener: (event: AcdLiveEvent) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }
  reloadConfig(): void {
    this.reloads++;
  }
}

export function emptySnapshot(queueId: string): QueueSnapshot {
  return {
    queueId, waiting: 0, longestWaitSec: 0,
    agents: { staffed: 0, available: 0, idle: 0, reserved: 0, ringing: 0, onCall: 0, wrapUp: 0, paused: {} },
    callers: [],
  };
}
