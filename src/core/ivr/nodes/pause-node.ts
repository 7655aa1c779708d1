import type { PauseNode } from '../flow-types.js';
import type { NodeDefinition } from '../node-definition.js';

export const pauseNode: NodeDefinition<PauseNode> = {
  kind: 'pause',
  takesInput: false,
  enter(node, ctx) {
    const timerId = ctx.newId('t');
    return { effects: [{ type: 'startTimer', timerId, ms: node.ms }], local: timerId };
  },
  on(_node, local, event) {
    return event.type === 'timer' && event.timerId === local ? { exit: 'next' } : {};
  },
};
