import type { HangupNode } from '../flow-types.js';
import type { NodeDefinition } from '../node-definition.js';

export const hangupNode: NodeDefinition<HangupNode> = {
  kind: 'hangup',
  takesInput: false,
  enter(node) {
    return { effects: [{ type: 'hangup', reason: node.reason }], ends: true };
  },
  on() {
    return {};
  },
};
