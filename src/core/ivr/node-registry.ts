import type { NodeRegistry } from './node-definition.js';
import { hangupNode } from './nodes/hangup-node.js';
import { pauseNode } from './nodes/pause-node.js';
import { playNode } from './nodes/play-node.js';

// Typed as a complete map: adding a node kind to FlowNode without a definition is a compile error.
export const nodeRegistry: NodeRegistry = {
  play: playNode,
  pause: pauseNode,
  hangup: hangupNode,
};
