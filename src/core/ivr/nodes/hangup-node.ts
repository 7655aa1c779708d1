import type { HangupNode } from '../flow-types.js';
import type { NodeDefinition } from '../node-definition.js';

export const hangupNode: NodeDefinition<HangupNode> = {
  kind: 'hangup',
  enter(node) {
    return { effects: [{ type: 'hangup', reason: node.reason ?? 'normal' }], ends: true };
  },
  resume() {
    return { effects: [], ends: true };
  },
};
