import { ExpressionError } from '../../expr/expression.js';
import type { SubflowNode } from '../flow-types.js';
import type { NodeDefinition } from '../node-definition.js';

// Calls another flow with its own vars (params fill them); its `return` value comes back here.
export const subflowNode: NodeDefinition<SubflowNode> = {
  kind: 'subflow',
  takesInput: false,
  enter(node, ctx) {
    const scope = ctx.scope();
    try {
      return { call: { flowId: node.flow, vars: Object.fromEntries(node.params.map(([name, t]) => [name, t.value(scope)])) } };
    } catch (err) {
      if (err instanceof ExpressionError) return { error: { code: 'expression', message: `params: ${err.message}` } };
      throw err;
    }
  },
  on() {
    return {};
  },
  resume(node, _local, value) {
    return { exit: 'next', ...(node.store ? { setVars: { [node.store]: value } } : {}) };
  },
};
