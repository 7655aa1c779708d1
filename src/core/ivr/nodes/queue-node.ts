import { ExpressionError } from '../../expr/expression.js';
import type { QueueNode } from '../flow-types.js';
import type { NodeDefinition } from '../node-definition.js';

// Hands the call to the ACD and waits for its verdict; what happens while waiting (music,
// announcements, agent offers) is the ACD's business.
export const queueNode: NodeDefinition<QueueNode> = {
  kind: 'queue',
  takesInput: false,
  enter(node, ctx) {
    const requestId = ctx.newId('q');
    try {
      const scope = ctx.scope();
      const skills = node.skills.map((s) => s.render(scope));
      return {
        effects: [{ type: 'enqueue', requestId, queue: node.queue, skills, priority: node.priority, wait: { ...node.wait, announce: node.wait.announce ? { everyMs: node.wait.announce.everyMs, prompts: node.wait.announce.prompts.map((p) => p.key) } : undefined } }],
        local: requestId,
      };
    } catch (err) {
      if (err instanceof ExpressionError) return { error: { code: 'expression', message: `skills: ${err.message}` } };
      throw err;
    }
  },
  on(_node, local, event) {
    if (event.type === 'queueResult' && event.requestId === local) {
      return { exit: event.outcome, setQueue: { queue: _node.queue, outcome: event.outcome, ...event.data } };
    }
    if (event.type === 'effectFailed' && event.effect === 'enqueue') return { error: { code: event.code, message: event.message } };
    return {};
  },
};
