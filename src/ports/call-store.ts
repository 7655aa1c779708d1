import type { CallOutcome } from '../core/calls/outcome.js';
import type { EndReason } from '../core/call/call-types.js';
import type { AcdEventRow } from './acd-store.js';

export interface NewCall {
  id: string;
  channelId: string;
  direction: 'inbound' | 'internal';
  callerNumber: string;
  callerName: string;
  dialed: string;
  flowId: string | null;
  startedAt: number;
}

export interface CallRecord extends NewCall {
  status: 'active' | 'ended';
  answeredAt: number | null;
  endedAt: number | null;
  durationMs: number | null;
  talkMs: number | null;
  hangupCause: number | null;
  hangupCauseText: string | null;
  endReason: EndReason | null;
  /** Content hash of the entry flow the call runs (from flow.started, or call.readopted after a restart). */
  flowVersion: string | null;
  /** The last node entered, in the same form as a `path` entry. */
  lastNode: string | null;
  /**
   * Every node entered, in order: "nodeId" for the entry flow, "flowId/nodeId" inside a subflow.
   * A node entered again (a loop, or re-adoption after a restart) appears again.
   */
  path: string[];
  /** Tags added by the flow, unique, in the order first added. */
  tags: string[];
}

export interface CallEventRecord {
  seq: number;
  callId: string;
  at: number;
  type: string;
  data: Record<string, unknown>;
}

/** Which calls; every field narrows (AND). */
export interface CallFilter {
  from?: number;
  to?: number;
  number?: string;
  status?: 'active' | 'ended';
  /** The entry flow the call ran. */
  flowId?: string;
  /** Calls whose tags include this one (exact match). */
  tag?: string;
  direction?: NewCall['direction'];
  /** Calls that visited this queue (any ACD row of the call in it). */
  queueId?: string;
  /** Calls this agent talked on (a voice conversation or a callback that reached the customer). */
  agentId?: string;
  /** As core/calls/outcome.ts decides it; an active call has none, so matches no outcome. */
  outcome?: CallOutcome;
  /** Calls with (true) or without (false) a recording that is neither failed nor deleted. */
  hasRecording?: boolean;
}

export interface CallQuery extends CallFilter {
  limit: number;
  offset: number;
}

/** What the call log derives a call's line from: its journal rows, and its recordings. */
export interface CallLogJournal {
  events: CallEventRecord[];
  acd: AcdEventRow[];
  /** Recordings neither failed nor deleted. */
  recordings: number;
}

/** An ACD journal row with the caller's number, for the queue_log export. */
export interface QueueLogRow extends AcdEventRow {
  callerNumber: string | null;
}

export interface NodeStatsQuery {
  /** Journal time, inclusive (epoch ms). */
  from?: number;
  /** Journal time, exclusive (epoch ms). */
  to?: number;
  /**
   * Only calls whose entry flow ran this version (calls.flow_version). Meaningful for an entry
   * flow only: a subflow's nodes are counted under the version of the entry flow that called it,
   * so filtering a subflow's stats by its own version matches nothing.
   */
  version?: string;
}

export interface NodeStats {
  nodeId: string;
  /** node.entered events (a node refused by maxVisits is not entered; it exits 'loopExceeded'). */
  visits: number;
  /** node.exited events by outcome. */
  exits: Record<string, number>;
}

export interface CallStore {
  /** Creates the call row and journals call.started, in one transaction. */
  startCall(call: NewCall): void;
  /** Appends to the journal and updates the call row's projection of it, in one transaction. */
  append(callId: string, at: number, type: string, data?: Record<string, unknown>): void;
  get(id: string): CallRecord | undefined;
  findActiveByChannel(channelId: string): CallRecord | undefined;
  active(): CallRecord[];
  events(callId: string): CallEventRecord[];
  list(query: CallQuery): { total: number; items: CallRecord[] };
  /** Every matching call, newest first, a page of `pageSize` at a time: for exports of any size. */
  pages(filter: CallFilter, pageSize: number): Iterable<CallRecord[]>;
  /**
   * The journals of these calls. `summary` keeps only the call events the summary reads (the ACD
   * rows all come), which is what a list or an export needs; otherwise every event comes.
   */
  journals(callIds: readonly string[], detail: 'summary' | 'full'): Map<string, CallLogJournal>;
  /** ACD journal rows with from <= at < to, in journal order, a page at a time. */
  queueLogRows(range: { from: number; to?: number }, pageSize: number): Iterable<QueueLogRow[]>;
  /** Per-node visit and exit counters of one flow, computed from the journal, ordered by node id. */
  nodeStats(flowId: string, query: NodeStatsQuery): NodeStats[];
}
