import { evaluateCondition, ExpressionError } from '../../expr/expression.js';
import type { SwitchNode } from '../flow-types.js';
import type { NodeDefinition } from '../node-definition.js';

// Cases are tried in file order; the first true one wins. A case that cannot be evaluated (a
// missing key in an http response, say) is an error, not a silent false.
export const switchNode: NodeDefinition<SwitchNode> = {
  kind: 'switch',
  takesInput: false,
  enter(node, ctx) {
    const scope = ctx.scope();
    for (const [index, condition] of node.cases.entries()) {
      try {
        if (evaluateCondition(condition, scope)) return { exit: `case:${index}` };
      } catch (err) {
        if (err instanceof ExpressionError) return { error: { code: 'expression', message: `case ${index + 1} (${condition.source}): ${err.message}` } };
        throw err;
      }
    }
    return { exit: 'default' };
  },
  on() {
    return {};
  },
};
