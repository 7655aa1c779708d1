import { ExpressionError } from '../../expr/expression.js';
import type { ReturnNode } from '../flow-types.js';
import type { NodeDefinition } from '../node-definition.js';

export const returnNode: NodeDefinition<ReturnNode> = {
  kind: 'return',
  takesInput: false,
  enter(node, ctx) {
    try {
      return { return: { value: node.value ? node.value.value(ctx.scope()) : null } };
    } catch (err) {
      if (err instanceof ExpressionError) return { error: { code: 'expression', message: err.message } };
      throw err;
    }
  },
  on() {
    return {};
  },
};
