import type { CallEffect } from '../call/call-types.js';
import type { FlowNode, NodeKind } from './flow-types.js';

/** What a node asks of the runtime when entered or when the thing it waited for completes. */
export interface NodeOutcome {
  effects: CallEffect[];
  /** Stay in this node until this playback finishes or this timer fires. */
  wait?: { kind: 'playback' | 'timer'; id: string };
  /** Node to go to next; absent means the flow ends here. */
  next?: string;
  /** The node ended the call itself (hangup). */
  ends?: boolean;
}

export interface NodeDefinition<N extends FlowNode> {
  kind: N['kind'];
  enter(node: N, newId: (prefix: string) => string): NodeOutcome;
  resume(node: N, completion: { failed: boolean }): NodeOutcome;
}

export type NodeRegistry = { [K in NodeKind]: NodeDefinition<Extract<FlowNode, { kind: K }>> };
