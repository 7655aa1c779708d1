import type {
  AcdEffect,
  AcdSettings,
  AgentActivity,
  AgentConfig,
  AgentStatus,
  Channel,
  EnqueueRequest,
  InteractionPhase,
  PauseReason,
  QueueConfig,
  RoutingExplanation,
  RoutingStep,
  SkillRequirement,
} from './acd-types.js';
import { RecentMap } from './recent-map.js';
import { SortedList, type RoutingKey } from './sorted-list.js';

// The engine's private, mutable state and the per-event work context. Views and effects are the
// only things that leave the engine.

export interface WrapUpItem {
  interactionId: string;
  callId: string | null;
  queue: QueueState;
  talkMs: number;
  endedAt: number;
}

export interface AgentState {
  id: string;
  config: AgentConfig;
  /** config.skills as a map (one shape for all agents: property lookups on per-agent key sets are megamorphic). */
  skills: Map<string, number>;
  skillList: string[];
  /** Proficiency level (0-5) of each skill in skillList, as indexed. */
  skillLevels: number[];
  /** Per channel (CHANNELS order): the waiting-index buckets this agent could take from. */
  bucketKeys: string[][];
  status: AgentStatus;
  pauseReason: string | null;
  statusSince: number;
  activity: AgentActivity;
  activitySince: number;
  idleSince: number;
  /** idleSince as it was when put in the free index (the index's sort key must not move). */
  idleKey: number;
  wrapUpUntil: number | null;
  wrapUpTimer: string | null;
  wrapUps: WrapUpItem[];
  handled: number;
  talkMs: number;
  consecutiveMisses: number;
  registeredEndpoints: number;
  /** Interactions held (offered, connected or in wrap-up) and their channel. */
  holds: Map<string, Channel>;
  perChannel: Record<Channel, number>;
  offers: Set<Offer>;
  connected: Set<string>;
  /** Channels (CHANNEL_BIT) the agent could be offered now, skills aside. */
  freeMask: number;
  /** The part of freeMask under which the agent sits in the free index. */
  indexedMask: number;
  staffedIndexed: boolean;
}

export interface QueueState {
  id: string;
  config: QueueConfig;
  /** config.steps sorted by afterSec. */
  steps: RoutingStep[];
  waiting: SortedList<Interaction>;
  /** Every live interaction of the queue: waiting, offering, connected. */
  members: Set<Interaction>;
  /** Oldest first, at most settings.ahtWindow. */
  handleTimes: number[];
  rrLast: string | null;
}

export type Decision = NonNullable<RoutingExplanation['decision']>;

export interface Interaction extends RoutingKey {
  id: string;
  request: EnqueueRequest;
  channel: Channel;
  queue: QueueState;
  enqueuedAt: number;
  queueEnteredAt: number;
  phase: InteractionPhase;
  gone: boolean;
  step: number;
  requirements: SkillRequirement[];
  /** Waiting-index bucket it sits in (null when not waiting). */
  bucket: string | null;
  offers: Set<Offer>;
  agentId: string | null;
  connectedAt: number | null;
  /** agentId -> until when that agent may not be offered this interaction again. */
  missedUntil: Map<string, number>;
  visited: Set<string>;
  stepTimer: string | null;
  maxWaitAt: number | null;
  maxWaitTimer: string | null;
  wakeTimers: Set<string>;
  decision: Decision | null;
}

export interface Offer {
  id: string;
  interaction: Interaction;
  agent: AgentState;
  at: number;
  ringing: boolean;
  timerId: string | null;
}

export type TimerTask =
  | { kind: 'ring'; offer: Offer }
  | { kind: 'step'; interaction: Interaction }
  | { kind: 'maxWait'; interaction: Interaction }
  /** Preferred-agent window or retry delay over: the interaction may have new candidates. */
  | { kind: 'wake'; interaction: Interaction }
  | { kind: 'wrapUp'; agent: AgentState };

/** Per skill, one container per proficiency level (index 0-5). */
export const MAX_LEVEL = 5;
/** Finished interactions still explained, offers still recognised when a late answer comes. */
export const ARCHIVE_LIMIT = 10_000;
export const PAST_OFFERS_LIMIT = 10_000;

/** Free agents of one channel, each list by longest idle first. */
export interface FreeIndex {
  all: SortedList<AgentState>;
  bySkill: Map<string, SortedList<AgentState>[]>;
}

export interface StaffedIndex {
  all: Set<AgentState>;
  bySkill: Map<string, Set<AgentState>[]>;
}

export interface AcdState {
  settings: AcdSettings;
  random: () => number;
  agents: Map<string, AgentState>;
  queues: Map<string, QueueState>;
  pauseReasons: Map<string, PauseReason>;
  endpointAgents: Map<string, AgentState[]>;
  endpointsUp: Set<string>;
  interactions: Map<string, Interaction>;
  offers: Map<string, Offer>;
  /** Offers no longer live, so a late answer can still be hung up (bounded). */
  pastOffers: RecentMap<string, { interactionId: string; agentId: string; won: boolean }>;
  timers: Map<string, TimerTask>;
  /** Agents that could be offered something of the channel now (skills aside). */
  free: Record<Channel, FreeIndex>;
  /** Channels whose free index is kept: those that have had an interaction (most sites route one or two). */
  indexedChannels: number;
  /** Logged in, registered, not paused. */
  staffed: StaffedIndex;
  /** Every configured agent per skill (rarity for anchors, snapshots). */
  agentsBySkill: Map<string, AgentState[]>;
  /** Waiting interactions per `channel|anchor skill`, each in routing order. */
  waiting: Map<string, SortedList<Interaction>>;
  archive: RecentMap<string, RoutingExplanation>;
  seq: number;
  offerSeq: number;
  timerSeq: number;
}

export interface Work {
  s: AcdState;
  at: number;
  effects: AcdEffect[];
  agentsChanged: Set<string>;
  queuesChanged: Set<string>;
  /** Agents that became offerable: they look for waiting interactions at the end of the event. */
  freed: Set<AgentState>;
  /** Agents no longer staffed (leaveWhenEmpty). */
  unstaffed: Set<AgentState>;
  reroute: Set<Interaction>;
  routeAll: boolean;
}

/** Longest idle first; agent id breaks ties. */
export function compareIdle(a: AgentState, b: AgentState): number {
  return a.idleKey - b.idleKey || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

export function newFreeIndexes(): Record<Channel, FreeIndex> {
  const one = (): FreeIndex => ({ all: new SortedList(compareIdle), bySkill: new Map() });
  return { voice: one(), chat: one(), email: one(), callback: one() };
}

export function newStaffedIndex(): StaffedIndex {
  return { all: new Set(), bySkill: new Map() };
}

export function newState(settings: AcdSettings, random: () => number): AcdState {
  return {
    settings,
    random,
    agents: new Map(),
    queues: new Map(),
    pauseReasons: new Map(),
    endpointAgents: new Map(),
    endpointsUp: new Set(),
    interactions: new Map(),
    offers: new Map(),
    pastOffers: new RecentMap(PAST_OFFERS_LIMIT),
    timers: new Map(),
    free: newFreeIndexes(),
    indexedChannels: 0,
    staffed: newStaffedIndex(),
    agentsBySkill: new Map(),
    waiting: new Map(),
    archive: new RecentMap(ARCHIVE_LIMIT),
    seq: 0,
    offerSeq: 0,
    timerSeq: 0,
  };
}

export function newWork(s: AcdState, at: number): Work {
  return { s, at, effects: [], agentsChanged: new Set(), queuesChanged: new Set(), freed: new Set(), unstaffed: new Set(), reroute: new Set(), routeAll: false };
}

export function emit(w: Work, effect: AcdEffect): void {
  w.effects.push(effect);
}

export interface JournalRefs {
  interaction?: Interaction;
  /** For an interaction already gone (wrap-up). */
  interactionId?: string;
  callId?: string | null;
  agentId?: string;
  queueId?: string;
}

export function journal(w: Work, event: string, refs: JournalRefs, data: Record<string, unknown>): void {
  const i = refs.interaction;
  const row: AcdEffect & { type: 'journal' } = { type: 'journal', event, at: w.at, data };
  const interactionId = i?.id ?? refs.interactionId;
  if (interactionId !== undefined) {
    row.interactionId = interactionId;
    row.callId = i ? i.request.callId : (refs.callId ?? null);
  }
  if (refs.agentId !== undefined) row.agentId = refs.agentId;
  const queueId = refs.queueId ?? i?.queue.id;
  if (queueId !== undefined) row.queueId = queueId;
  w.effects.push(row);
}
