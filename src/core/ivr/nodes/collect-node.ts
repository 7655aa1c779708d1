import type { CallEffect } from '../../call/call-types.js';
import { evaluateCondition, ExpressionError } from '../../expr/expression.js';
import { escalating, roundEvent, startRound, type Round, type RoundStep } from '../digit-round.js';
import type { CollectNode } from '../flow-types.js';
import type { NodeContext, NodeDefinition, NodeResult } from '../node-definition.js';

// Multi-digit entry (account numbers, PINs). Invalid entries and silences share one retry budget:
// callers do not care which of the two they got wrong.
interface CollectLocal {
  attempt: number;
  round: Round | null;
}

const rules = (node: CollectNode) => ({
  input: node.input,
  terminators: node.terminators,
  judge: (digits: string) => (digits.length >= node.maxDigits ? ('done' as const) : ('wait' as const)),
});

function check(node: CollectNode, digits: string, ctx: NodeContext): boolean {
  if (digits.length < node.minDigits || digits.length > node.maxDigits) return false;
  if (!node.validate) return true;
  return evaluateCondition(node.validate, { ...ctx.scope(), input: { digits } });
}

function fromRound(node: CollectNode, local: CollectLocal, step: RoundStep, ctx: NodeContext): NodeResult {
  const next: CollectLocal = { ...local, round: step.round };
  const verdict = step.verdict;
  switch (verdict.kind) {
    case 'pending':
      return { effects: step.effects, local: next };
    case 'playbackFailed':
      return { effects: step.effects, error: { code: 'playback_failed', message: 'the collect prompt failed to play' } };
    case 'noInput':
      return retry(node, next, 'noInput', step.effects, ctx);
    case 'done': {
      let valid: boolean;
      try {
        valid = check(node, verdict.digits, ctx);
      } catch (err) {
        if (err instanceof ExpressionError) return { effects: step.effects, error: { code: 'expression', message: `validate: ${err.message}` } };
        throw err;
      }
      if (!valid) return retry(node, next, verdict.digits === '' ? 'noInput' : 'invalid', step.effects, ctx, verdict.digits.length);
      return {
        effects: step.effects,
        exit: 'ok',
        setInput: { digits: verdict.digits },
        ...(node.store ? { setVars: { [node.store]: verdict.digits } } : {}),
        journal: [{ event: 'collect.ok', data: { nodeId: node.id, length: verdict.digits.length, ...(node.mask ? {} : { digits: verdict.digits }) } }],
      };
    }
  }
}

function retry(node: CollectNode, local: CollectLocal, why: 'invalid' | 'noInput', effects: CallEffect[], ctx: NodeContext, length?: number): NodeResult {
  const attempt = local.attempt + 1;
  const journal = [{ event: `collect.${why}`, data: { nodeId: node.id, attempt, ...(length !== undefined ? { length } : {}) } }];
  if (attempt > node.retries) return { effects, journal, exit: 'exhausted', local: { ...local, round: null } };
  const prompts = [...escalating(why === 'invalid' ? node.invalid : node.noInput, attempt), ...node.prompt];
  const step = startRound(prompts, rules(node), ctx, '');
  return { ...fromRound(node, { ...local, attempt }, step, ctx), effects: [...effects, ...step.effects], journal };
}

export const collectNode: NodeDefinition<CollectNode> = {
  kind: 'collect',
  takesInput: true,
  enter(node, ctx) {
    const result = fromRound(node, { attempt: 0, round: null }, startRound(node.prompt, rules(node), ctx, ctx.takeTypeAhead()), ctx);
    return node.mask ? { ...result, mask: true } : result;
  },
  on(node, raw, event, ctx) {
    const local = raw as CollectLocal;
    if (!local.round) return {};
    const step = roundEvent(local.round, event, rules(node), ctx);
    return step ? fromRound(node, local, step, ctx) : {};
  },
};
