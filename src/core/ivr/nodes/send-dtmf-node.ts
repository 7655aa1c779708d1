import { ExpressionError } from '../../expr/expression.js';
import type { SendDtmfNode } from '../flow-types.js';
import type { NodeDefinition } from '../node-definition.js';

export const sendDtmfNode: NodeDefinition<SendDtmfNode> = {
  kind: 'sendDtmf',
  takesInput: false,
  enter(node, ctx) {
    const effectId = ctx.newId('s');
    try {
      const digits = node.digits.render(ctx.scope());
      if (!/^[0-9*#A-Dw]+$/.test(digits)) return { error: { code: 'bad_dtmf', message: `'${digits}' is not a DTMF string (0-9 * # A-D, w for a pause)` } };
      return { effects: [{ type: 'sendDtmf', effectId, digits, betweenMs: node.betweenMs }], local: effectId };
    } catch (err) {
      if (err instanceof ExpressionError) return { error: { code: 'expression', message: err.message } };
      throw err;
    }
  },
  on(_node, local, event) {
    if (event.type === 'effectDone' && event.effectId === local) return { exit: 'next' };
    if (event.type === 'effectFailed' && event.effect === 'sendDtmf') return { error: { code: event.code, message: event.message } };
    return {};
  },
};
