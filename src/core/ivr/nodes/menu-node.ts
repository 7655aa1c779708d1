import type { CallEffect } from '../../call/call-types.js';
import { escalating, roundEvent, startRound, type Round, type RoundStep } from '../digit-round.js';
import type { MenuNode, MenuOption, PromptRef } from '../flow-types.js';
import type { NodeContext, NodeDefinition, NodeEvent, NodeResult } from '../node-definition.js';

// The retry state machine FreeSWITCH, Wazo and FreePBX proved out: greeting first, reprompt
// after; invalid and no-input counted apart, each with escalating prompts; an exit prompt, then
// `exhausted`.
interface MenuLocal {
  invalid: number;
  noInput: number;
  round: Round | null;
  /** Playing the exit prompt before leaving through `exhausted`. */
  exitPlayback: string | null;
}

const rules = (node: MenuNode) => ({
  input: node.input,
  terminators: node.options.some((o) => o.digits?.includes('#')) ? '' : '#',
  judge: (digits: string) => judge(node, digits),
});

function judge(node: MenuNode, digits: string): 'done' | 'wait' {
  if (digits.length >= node.maxDigits) return 'done';
  const longer = node.options.some((o) => (o.digits !== undefined && o.digits.length > digits.length && o.digits.startsWith(digits)) || o.pattern);
  return longer ? 'wait' : 'done';
}

function match(node: MenuNode, digits: string): MenuOption | undefined {
  return node.options.find((o) => o.digits === digits) ?? node.options.find((o) => o.pattern?.test(digits));
}

function fromRound(node: MenuNode, local: MenuLocal, step: RoundStep, ctx: NodeContext): NodeResult {
  const next: MenuLocal = { ...local, round: step.round };
  const verdict = step.verdict;
  switch (verdict.kind) {
    case 'pending':
      return { effects: step.effects, local: next };
    case 'playbackFailed':
      return { effects: step.effects, error: { code: 'playback_failed', message: 'a menu prompt failed to play' } };
    case 'noInput':
      return retry(node, { ...next, noInput: next.noInput + 1 }, 'noInput', step.effects, ctx);
    case 'done': {
      const option = verdict.digits === '' ? undefined : match(node, verdict.digits);
      if (!option) return retry(node, { ...next, invalid: next.invalid + 1 }, 'invalid', step.effects, ctx, verdict.digits);
      const input = { digits: verdict.digits, option: option.digits ?? option.outcome };
      const scope = { ...ctx.scope(), input };
      return {
        effects: step.effects,
        exit: option.outcome,
        setInput: input,
        ...(option.set ? { setVars: Object.fromEntries(option.set.map(([name, t]) => [name, t.value(scope)])) } : {}),
        ...(option.locale ? { setLocale: option.locale } : {}),
      };
    }
  }
}

function retry(node: MenuNode, local: MenuLocal, why: 'invalid' | 'noInput', effects: CallEffect[], ctx: NodeContext, digits?: string): NodeResult {
  const count = why === 'invalid' ? local.invalid : local.noInput;
  const max = why === 'invalid' ? node.maxInvalid : node.maxNoInput;
  const journal = [{ event: `menu.${why}`, data: { nodeId: node.id, attempt: count, ...(digits !== undefined ? { digits } : {}) } }];
  if (count >= max) {
    if (node.exitPrompt.length === 0) return { effects, journal, exit: 'exhausted', local: { ...local, round: null } };
    const play = ctx.play(node.exitPrompt);
    return { effects: [...effects, play], journal, local: { ...local, round: null, exitPlayback: play.playbackId } };
  }
  const prompts: PromptRef[] = [...escalating(why === 'invalid' ? node.invalid : node.noInput, count), ...(node.reprompt.length ? node.reprompt : node.greeting)];
  const step = startRound(prompts, rules(node), ctx, '');
  return { ...fromRound(node, local, step, ctx), effects: [...effects, ...step.effects], journal };
}

export const menuNode: NodeDefinition<MenuNode> = {
  kind: 'menu',
  takesInput: true,
  enter(node, ctx) {
    const local: MenuLocal = { invalid: 0, noInput: 0, round: null, exitPlayback: null };
    return fromRound(node, local, startRound(node.greeting, rules(node), ctx, ctx.takeTypeAhead()), ctx);
  },
  on(node, raw, event: NodeEvent, ctx) {
    const local = raw as MenuLocal;
    if (local.exitPlayback) {
      if (event.type === 'playbackFinished' && event.playbackId === local.exitPlayback) return { exit: 'exhausted' };
      return {};
    }
    if (!local.round) return {};
    const step = roundEvent(local.round, event, rules(node), ctx);
    return step ? fromRound(node, local, step, ctx) : {};
  },
};
