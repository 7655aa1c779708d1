import { ExpressionError } from '../../expr/expression.js';
import type { TransferNode } from '../flow-types.js';
import type { NodeDefinition, NodeResult } from '../node-definition.js';

const DIAL_STRING = /^[A-Za-z0-9]+\/[A-Za-z0-9+*#_.@:-]+$/;

interface TransferLocal {
  legId: string;
  bridgeId: string | null;
}

// Q.850 causes of an unanswered leg: 17 user busy, 18/19 no answer (19 also when our dial timeout
// ran out), 21 call rejected (a phone's "decline" is busy to the caller); the rest is a failure.
function unanswered(cause: number): string {
  if (cause === 17 || cause === 21) return 'busy';
  if (cause === 18 || cause === 19 || cause === 0) return 'noanswer';
  return 'failed';
}

export const transferNode: NodeDefinition<TransferNode> = {
  kind: 'transfer',
  takesInput: false,
  enter(node, ctx): NodeResult {
    const legId = `leg-${ctx.newId('d')}`;
    try {
      const scope = ctx.scope();
      const endpoint = node.endpoint.render(scope);
      const callerId = node.callerId?.render(scope);
      // The number may come from the caller or a web service: one technology/resource, nothing
      // Asterisk would read as a second target (&) or dial options (,).
      if (!DIAL_STRING.test(endpoint)) return { error: { code: 'bad_endpoint', message: `'${endpoint}' is not a single dial target (like PJSIP/1001 or PJSIP/+15145550100@trunk)` } };
      return {
        effects: [{ type: 'dial', legId, endpoint, timeoutSec: node.timeoutSec, ...(callerId ? { callerId } : {}) }],
        local: { legId, bridgeId: null } satisfies TransferLocal,
        journal: [{ event: 'transfer.dialing', data: { nodeId: node.id, endpoint, legId } }],
      };
    } catch (err) {
      if (err instanceof ExpressionError) return { error: { code: 'expression', message: err.message } };
      throw err;
    }
  },
  on(node, raw, event, ctx) {
    const local = raw as TransferLocal;
    if (event.type === 'legAnswered' && event.legId === local.legId) {
      const bridgeId = `br-${ctx.newId('b')}`;
      return {
        effects: [{ type: 'bridge', bridgeId, legId: local.legId }],
        local: { ...local, bridgeId },
        journal: [{ event: 'transfer.answered', data: { nodeId: node.id, legId: local.legId } }],
      };
    }
    if (event.type === 'legEnded' && event.legId === local.legId) {
      // Once bridged, the far end hanging up ends the conversation, which was a success.
      const outcome = local.bridgeId ? 'answered' : unanswered(event.cause);
      return { exit: outcome, journal: [{ event: 'transfer.ended', data: { nodeId: node.id, legId: local.legId, cause: event.cause, outcome } }] };
    }
    if (event.type === 'effectFailed' && (event.effect === 'dial' || event.effect === 'bridge')) {
      return { exit: 'failed', journal: [{ event: 'transfer.failed', data: { nodeId: node.id, code: event.code, message: event.message } }] };
    }
    return {};
  },
};
