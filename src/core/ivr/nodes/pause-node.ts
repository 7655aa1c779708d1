import type { PauseNode } from '../flow-types.js';
import type { NodeDefinition } from '../node-definition.js';

export const pauseNode: NodeDefinition<PauseNode> = {
  kind: 'pause',
  enter(node, newId) {
    const timerId = newId('t');
    return {
      effects: [{ type: 'startTimer', timerId, ms: Math.round(node.seconds * 1000) }],
      wait: { kind: 'timer', id: timerId },
    };
  },
  resume(node) {
    return { effects: [], next: node.next };
  },
};
