import type { CalendarOverride } from '../calendar/calendar-types.js';
import type { CallEffect, CallEvent, QueueHold } from '../call/call-types.js';
import type { ExprScope } from '../expr/expression.js';
import type { FlowNode, NodeKind, PromptRef } from './flow-types.js';

/** Events a node can receive while it is the current node. */
export type NodeEvent = Extract<
  CallEvent,
  {
    type:
      | 'playbackFinished'
      | 'dtmf'
      | 'timer'
      | 'httpResult'
      | 'recordingFinished'
      | 'legAnswered'
      | 'legEnded'
      | 'queueResult'
      | 'queueConnect'
      | 'queueRequeued'
      | 'effectDone'
      | 'effectFailed';
  }
>;

/** What a node may read and create; built by the interpreter for each step. */
export interface NodeContext {
  at: number;
  callId: string;
  newId(prefix: string): string;
  /** caller, call, vars, input, response, http, queue, now. */
  scope(): ExprScope;
  /** A play effect for these prompts in the call's locale (throws ExpressionError for a bad say-as value). */
  play(prompts: PromptRef[]): CallEffect & { type: 'play' };
  /** Digits typed ahead (already filtered by the node's typeAhead setting); taking them empties the buffer. */
  takeTypeAhead(): string;
  calendarOverride(calendarId: string): CalendarOverride | null;
  queueHold(queueId: string): QueueHold | null;
  queueStatus(requestId: string): { position: number | null; ewtSec: number | null } | null;
  queueCallbackAllowed(requestId: string): boolean;
  /** Whether the node wires this outcome itself (or through defaults), for intra-node fallbacks. */
  isWired(outcome: string): boolean;
}

/** What a node asks of the interpreter after entering or handling an event. */
export interface NodeResult {
  effects?: CallEffect[];
  /** The node's new private state; omitted keeps the old one. */
  local?: unknown;
  /** Leave through this outcome. */
  exit?: string;
  /** Leave through the `error` outcome, journaling why. */
  error?: { code: string; message: string };
  /** Variable updates in the current frame (names without `vars.`). */
  setVars?: Record<string, unknown>;
  setLocale?: string;
  setInput?: Record<string, unknown>;
  setHttp?: { nodeId: string; response: unknown };
  setQueue?: Record<string, unknown>;
  /** Call another flow; its `return` value comes back through resume(). */
  call?: { flowId: string; vars: Record<string, unknown> };
  /** Return from the current subflow (or end the flow when not in one). */
  return?: { value: unknown };
  /** The node ended the call (hangup). */
  ends?: boolean;
  /** Journal entries specific to the node. */
  journal?: { event: string; data?: Record<string, unknown> }[];
  addTags?: string[];
  mask?: boolean;
}

export interface NodeDefinition<N extends FlowNode> {
  kind: N['kind'];
  /** Accepts caller digits itself; otherwise digits go to the type-ahead buffer. */
  takesInput: boolean;
  enter(node: N, ctx: NodeContext): NodeResult;
  on(node: N, local: unknown, event: NodeEvent, ctx: NodeContext): NodeResult;
  /** The subflow this node called has returned. */
  resume?(node: N, local: unknown, value: unknown, ctx: NodeContext): NodeResult;
}

export type NodeRegistry = { [K in NodeKind]: NodeDefinition<Extract<FlowNode, { kind: K }>> };

/** The usual shape: nothing to do with this event. */
export const ignore: NodeResult = {};
