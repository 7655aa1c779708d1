import { ExpressionError } from '../../expr/expression.js';
import type { SetNode } from '../flow-types.js';
import type { NodeDefinition } from '../node-definition.js';

// Values are evaluated against the scope as it was on entry, so `a: "{{vars.b}}"` and
// `b: ...` in the same node do not depend on key order.
export const setNode: NodeDefinition<SetNode> = {
  kind: 'set',
  takesInput: false,
  enter(node, ctx) {
    const scope = ctx.scope();
    try {
      const setVars = Object.fromEntries(node.vars.map(([name, template]) => [name, template.value(scope)]));
      const locale = node.locale ? String(node.locale.value(scope)) : undefined;
      return { setVars, ...(locale ? { setLocale: locale } : {}), exit: 'next' };
    } catch (err) {
      if (err instanceof ExpressionError) return { error: { code: 'expression', message: err.message } };
      throw err;
    }
  },
  on() {
    return {};
  },
};
