// The ACD's model: agents, queues and interactions (a call now; a chat, email or callback later),
// the events the routing engine consumes and the effects it returns. Pure data: the engine never
// dials, writes a row or reads a clock; every event carries its time.

export type Channel = 'voice' | 'chat' | 'email' | 'callback';
export const CHANNELS: readonly Channel[] = ['voice', 'chat', 'email', 'callback'];

export type Strategy =
  | 'longest-idle'
  | 'round-robin'
  | 'fewest-interactions'
  | 'least-talk-time'
  | 'ring-all'
  | 'random'
  | 'skill-weighted';
export const STRATEGIES: readonly Strategy[] = ['longest-idle', 'round-robin', 'fewest-interactions', 'least-talk-time', 'ring-all', 'random', 'skill-weighted'];

/** An agent needs `skill` at proficiency >= minProficiency (1-5). */
export interface SkillRequirement {
  skill: string;
  minProficiency: number;
}

/**
 * After `afterSec` of waiting the interaction's requirements become this step's (Amazon Connect
 * routing steps, TaskRouter workflow targets). Steps apply in order; each replaces the previous one.
 */
export interface RoutingStep {
  afterSec: number;
  /** Replaces the queue's skill requirements (the interaction's own skills from the flow still apply unless dropSkills lists them). */
  skills?: SkillRequirement[];
  /** Lower every minimum proficiency by this much (floor 1), queue and flow skills alike. */
  relaxProficiencyBy?: number;
  /** Flow-given skills no longer required from this step on. '*' drops them all. */
  dropSkills?: string[];
  /** Move the interaction to this queue (keeps its original arrival time: no loss of place). */
  overflowQueue?: string;
}

export interface QueueConfig {
  id: string;
  name: string;
  skills: SkillRequirement[];
  /** Head start in the global order: each point is worth AcdSettings.priorityWeightSec of waiting. */
  priority: number;
  strategy: Strategy;
  ringTimeoutSec: number;
  wrapUpSec: number;
  /** null: no limit (the flow's maxWait still applies). */
  maxWaitSec: number | null;
  /** Callers waiting at most; the next one gets `full`. null: no limit. */
  maxLength: number | null;
  /** false: a caller arriving when no eligible agent is staffed (logged in, registered, not paused) gets `noAgents`. */
  joinWhenEmpty: boolean;
  /** true: waiting callers leave with `noAgents` once no eligible agent is staffed any more. */
  leaveWhenEmpty: boolean;
  /** Service level threshold T in seconds (stats). */
  serviceLevelSec: number;
  /** Wait treatment defaults; the flow's queue node may override them. */
  hold: { moh: string; announceEverySec: number | null; announcePosition: boolean; announceWait: boolean };
  /** Where max wait or `full` sends the caller before giving up: another queue (keeps arrival time). */
  overflowQueue: string | null;
  steps: RoutingStep[];
  /** Consecutive missed offers (no answer, busy, unavailable) before the agent is paused with reason 'no-answer'. */
  ronaMaxMisses: number;
  /** A returning caller's last agent gets this long alone before anyone else is considered. 0: off. */
  preferredAgentSec: number;
  /** Conversation recording; absent in rows written before recording existed: never recorded. */
  recording?: QueueRecording;
}

/** all: every conversation from the agent's answer; onDemand: when an agent or supervisor starts it; never. */
export type RecordingMode = 'all' | 'onDemand' | 'never';

export interface QueueRecording {
  mode: RecordingMode;
  /** Played to both parties as the recording starts (so the recording holds the notice); null: none. */
  consentPrompt: string | null;
  /** Days a recording is kept before the daily purge deletes it (legal hold excepted); null: forever. */
  retentionDays: number | null;
}

export interface AgentConfig {
  id: string;
  name: string;
  /** Dial strings of the agent's softphones (PJSIP/1001). Registration is tracked per endpoint. */
  endpoints: string[];
  /** skill -> proficiency 1-5 */
  skills: Record<string, number>;
  capacity: Record<Channel, number>;
  /** While the agent works an interaction of channel K, only channels in offerWhileBusy[K] may be offered. */
  offerWhileBusy: Record<Channel, Channel[]>;
}

export interface PauseReason {
  code: string;
  label: string;
  /** Counted as working time in occupancy (training, back office) rather than away. */
  productive: boolean;
}

export interface AcdSettings {
  priorityWeightSec: number;
  /** After a missed offer the same agent is not offered the same interaction again for this long. */
  retryAfterSec: number;
  /** Average handle time assumed for EWT before a queue has history. */
  defaultAhtSec: number;
  /** How many recent handled interactions feed a queue's average handle time. */
  ahtWindow: number;
}

export const DEFAULT_SETTINGS: AcdSettings = { priorityWeightSec: 60, retryAfterSec: 5, defaultAhtSec: 180, ahtWindow: 20 };
export const DEFAULT_CAPACITY: Record<Channel, number> = { voice: 1, chat: 3, email: 1, callback: 1 };
export const DEFAULT_OFFER_WHILE_BUSY: Record<Channel, Channel[]> = { voice: [], chat: ['chat', 'email'], email: ['chat', 'email'], callback: [] };
export const NO_ANSWER_REASON = 'no-answer';

export type AgentStatus = 'loggedOut' | 'available' | 'paused';
/** What the agent is doing, apart from what they intend (status). */
export type AgentActivity = 'idle' | 'reserved' | 'ringing' | 'onCall' | 'wrapUp';

export interface AgentView {
  id: string;
  name: string;
  status: AgentStatus;
  pauseReason: string | null;
  activity: AgentActivity;
  registered: boolean;
  /** When the current status (and pause reason) began. */
  statusSince: number;
  activitySince: number;
  /** Became free (after wrap-up) at; longest-idle orders by it. */
  idleSince: number;
  wrapUpUntil: number | null;
  /** Since login. */
  handled: number;
  talkMs: number;
  consecutiveMisses: number;
  /** Interaction ids the agent holds (offered or connected or in wrap-up). */
  interactions: string[];
}

export type InteractionPhase = 'waiting' | 'offering' | 'connected';

export interface EnqueueRequest {
  id: string;
  channel: Channel;
  queueId: string;
  /** The caller's call id (voice) or conversation id. */
  callId: string | null;
  /** Extra required skills from the flow, each at proficiency >= 1 ("lang:fr", "billing"). */
  skills: string[];
  priority: number;
  /** The flow's own limit; the shorter of this and the queue's applies. */
  maxWaitSec: number | null;
  /** For a returning caller: the agent who served them last. */
  preferredAgentId: string | null;
  /** Caller id shown to the agent. */
  callerNumber: string;
  callerName: string;
  /** A restart re-enqueues a caller with the original arrival: the place in line survives. */
  enqueuedAt?: number;
}

export interface InteractionView {
  id: string;
  channel: Channel;
  queueId: string;
  callId: string | null;
  phase: InteractionPhase;
  enqueuedAt: number;
  priority: number;
  /** 1-based place among the queue's waiting interactions in routing order. null once offered/connected. */
  position: number | null;
  /** Index of the routing step in force (-1: the queue's base requirements). */
  step: number;
  requirements: SkillRequirement[];
  agentId: string | null;
  /** Estimated wait in seconds as announced (null: no staffed agent, no estimate). */
  ewtSec: number | null;
}

export type MissReason = 'noAnswer' | 'busy' | 'unavailable' | 'rejected' | 'failed';

// Inputs. Every event has its time `at` (ms).
export type AcdEvent =
  | { type: 'login'; at: number; agentId: string }
  | { type: 'logout'; at: number; agentId: string }
  | { type: 'pause'; at: number; agentId: string; reason: string }
  | { type: 'unpause'; at: number; agentId: string }
  /** A softphone of the agent registered or went away (ARI endpoint / contact state). */
  | { type: 'registration'; at: number; endpoint: string; registered: boolean }
  | { type: 'enqueue'; at: number; request: EnqueueRequest }
  /** The caller left while waiting or being offered: hung up (abandoned), pressed an option, went elsewhere. */
  | { type: 'leave'; at: number; interactionId: string; reason: 'abandoned' | 'option' | 'withdrawn' }
  /** The agent's phone is ringing (optional; without it the offer counts as ringing from the offer). */
  | { type: 'offerRinging'; at: number; offerId: string }
  | { type: 'offerAnswered'; at: number; offerId: string }
  | { type: 'offerFailed'; at: number; offerId: string; reason: MissReason }
  /** The conversation is over (either side hung up); the agent goes to wrap-up. */
  | { type: 'ended'; at: number; interactionId: string; by: 'caller' | 'agent' | 'system' }
  | { type: 'wrapUpEnd'; at: number; agentId: string }
  | { type: 'wrapUpExtend'; at: number; agentId: string; seconds: number }
  | { type: 'timer'; at: number; timerId: string }
  /**
   * After a restart: a conversation that survived in the media server (caller still bridged with
   * the agent) is taken back as connected since `connectedAt`, without any offer. request.enqueuedAt
   * is the original arrival. Sent after configure and restoreAgent, before other events. The agent's
   * status is kept; a restored wrap-up ends (the agent is on a call). Unknown agent or queue: nothing
   * changes and an `acd.adopt.failed` journal row says why (the shell hangs the legs up).
   */
  | { type: 'adoptConnected'; at: number; request: EnqueueRequest; agentId: string; connectedAt: number };

/** What the engine asks the shell to do. */
export type AcdEffect =
  /** Ring the agent for this interaction (voice: originate to the endpoints). */
  | { type: 'offer'; offerId: string; interactionId: string; agentId: string; endpoints: string[]; channel: Channel; queueId: string; timeoutSec: number; callerNumber: string; callerName: string }
  /** Withdraw an offer (ring-all race lost, caller left, ring timeout). */
  | { type: 'cancelOffer'; offerId: string; interactionId: string; agentId: string; reason: 'timeout' | 'lostRace' | 'callerLeft' | 'agentLoggedOut' }
  /** The agent accepted: connect them with the caller. */
  | { type: 'connect'; offerId: string; interactionId: string; agentId: string }
  /** The interaction leaves the queue unanswered. */
  | { type: 'result'; interactionId: string; outcome: 'timeout' | 'full' | 'noAgents'; data: Record<string, unknown> }
  | { type: 'startTimer'; timerId: string; at: number }
  | { type: 'cancelTimer'; timerId: string }
  /** One journal row: enqueue, offer, answer, miss, abandon, timeout, overflow, wrap-up, pause... */
  | { type: 'journal'; event: string; at: number; interactionId?: string; agentId?: string; queueId?: string; callId?: string | null; data: Record<string, unknown> }
  /** An agent's status or activity changed (live stream, persisted status). */
  | { type: 'agentChanged'; agentId: string }
  /** A queue's waiting list changed (live stream). */
  | { type: 'queueChanged'; queueId: string };

/** Why an agent was or was not a candidate: the routing explanation's rows. */
export interface CandidateVerdict {
  agentId: string;
  eligible: boolean;
  /** 'chosen', or why not: 'logged out', 'paused (lunch)', 'not registered', 'busy (onCall)', 'wrap-up', 'missing skill billing', 'billing 2 < 3', 'no voice capacity', 'missed this offer recently', 'waiting for preferred agent' */
  reason: string;
}

export interface RoutingExplanation {
  interactionId: string;
  phase: InteractionPhase | 'gone';
  queueId: string;
  strategy: Strategy;
  step: number;
  requirements: SkillRequirement[];
  /** Set once assigned: the decision as it was made. */
  decision: { at: number; agentIds: string[]; strategy: Strategy; candidates: number; why: string } | null;
  /** Computed now for a waiting interaction: every agent with its verdict. */
  candidates: CandidateVerdict[];
  waitingBecause: string | null;
}

export interface QueueSnapshot {
  queueId: string;
  waiting: number;
  longestWaitSec: number;
  agents: { staffed: number; available: number; idle: number; reserved: number; ringing: number; onCall: number; wrapUp: number; paused: Record<string, number> };
  /** Interactions waiting, in routing order. */
  callers: { interactionId: string; callId: string | null; waitedSec: number; priority: number; step: number; phase: InteractionPhase }[];
}

export interface AcdConfig {
  agents: AgentConfig[];
  queues: QueueConfig[];
  pauseReasons: PauseReason[];
  settings: AcdSettings;
}

/** What survives a restart for an agent (persisted by the shell on every agentChanged). */
export interface AgentSavedState {
  agentId: string;
  status: AgentStatus;
  pauseReason: string | null;
  statusSince: number;
  idleSince: number;
  wrapUpUntil: number | null;
  handled: number;
  talkMs: number;
}

/**
 * The routing engine. Pure apart from its own in-memory state: no I/O, no clock (times come in the
 * events), randomness injected. State is mutable inside for speed (10,000 agents: copying per step
 * would cost more than the decision); callers only see views and effects.
 */
export interface AcdEngine {
  /** Replace the configuration (agents, queues, reasons, settings); runtime state of agents kept by id. Re-routes. */
  configure(config: AcdConfig, at: number): AcdEffect[];
  handle(event: AcdEvent): AcdEffect[];
  /** After a restart, before any event: put back an agent's status, counters and wrap-up (a timer effect comes back if still running). */
  restoreAgent(saved: AgentSavedState, at: number): AcdEffect[];
  /** Seed a queue's recent handle times (ms) so EWT is right after a restart. */
  seedHandleTimes(queueId: string, handleMs: number[]): void;
  agent(agentId: string): AgentView | undefined;
  agents(): AgentView[];
  interaction(interactionId: string): InteractionView | undefined;
  interactionsOf(queueId: string): InteractionView[];
  snapshot(queueId: string, at: number): QueueSnapshot | undefined;
  explain(interactionId: string, at: number): RoutingExplanation | undefined;
}
