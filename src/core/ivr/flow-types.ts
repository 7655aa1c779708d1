// The flow model the runtime executes. v0: the node kinds the foundation needs (play, pause,
// hangup); the flow-language issue grows this into the full format.
export interface PlayNode {
  kind: 'play';
  prompts: string[];
  next?: string;
}

export interface PauseNode {
  kind: 'pause';
  seconds: number;
  next?: string;
}

export interface HangupNode {
  kind: 'hangup';
  /** Q.850 cause sent to the caller's side. */
  reason?: 'normal' | 'busy' | 'congestion' | 'no_answer';
}

export type FlowNode = PlayNode | PauseNode | HangupNode;
export type NodeKind = FlowNode['kind'];

export interface Flow {
  id: string;
  entry: string;
  nodes: Record<string, FlowNode>;
  /** Where the flow came from, for logs: file path and content hash. */
  source: { file: string; sha256: string };
}
