import type { CallInfo } from '../call/call-types.js';
import type { Flow, FlowLibrary } from './flow-types.js';

/** One flow on the call stack: the entry flow, or a subflow called from a node of the frame below. */
export interface Frame {
  flow: Flow;
  vars: Record<string, unknown>;
  /** The subflow node (in the frame below) that called this one. */
  calledFrom: string | null;
}

/** Things a node started that must be cleaned up if the node is left early or the call ends. */
export interface Owned {
  timers: string[];
  playbacks: string[];
  recordings: string[];
  legs: string[];
  bridges: string[];
  queues: string[];
}

export interface IvrState {
  library: FlowLibrary;
  call: CallInfo;
  frames: Frame[];
  locale: string;
  /** `input.*` in expressions: the last collected or chosen digits. */
  input: Record<string, unknown>;
  /** The last http node's response, and each http node's by id. */
  response: unknown;
  http: Record<string, unknown>;
  queue: Record<string, unknown>;
  /** Digits pressed while no input node listened (kept for the next one when type-ahead is on). */
  typeAhead: string;
  /** Visits per `flowId/nodeId`. */
  visits: Record<string, number>;
  steps: number;
  startedAt: number;
  /** The current node's private state (menu attempt counters, digits so far, pending ids). */
  local: unknown;
  owned: Owned;
  /** Digits are not journaled while a masked collect runs. */
  masked: boolean;
  /** The call-wide duration limit timer. */
  limitTimer: string | null;
  tags: string[];
}

export function emptyOwned(): Owned {
  return { timers: [], playbacks: [], recordings: [], legs: [], bridges: [], queues: [] };
}
