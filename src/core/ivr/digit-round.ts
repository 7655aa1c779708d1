import type { CallEffect } from '../call/call-types.js';
import type { InputSettings, PromptRef } from './flow-types.js';
import type { NodeContext, NodeEvent } from './node-definition.js';

// One attempt at getting digits: play a prompt (interruptible when barge-in is on), then wait for
// the first digit, then for each next digit, until the node says the input is complete. Menus and
// collects share it; they differ in what counts as complete and what happens after.

export interface Round {
  playbackId: string | null;
  timerId: string | null;
  digits: string;
}

/** Node's judgement of the digits so far. */
export type Completeness = 'done' | 'wait';

export type Verdict =
  | { kind: 'pending' }
  | { kind: 'done'; digits: string; terminated: boolean }
  | { kind: 'noInput' }
  | { kind: 'playbackFailed' };

export interface RoundStep {
  round: Round;
  effects: CallEffect[];
  verdict: Verdict;
}

interface RoundRules {
  input: InputSettings;
  terminators: string;
  judge(digits: string): Completeness;
}

const pending: Verdict = { kind: 'pending' };

export function startRound(prompts: PromptRef[], rules: RoundRules, ctx: NodeContext, typedAhead: string): RoundStep {
  let step: RoundStep = { round: { playbackId: null, timerId: null, digits: '' }, effects: [], verdict: pending };
  for (const digit of typedAhead) {
    step = addDigit(step.round, digit, rules, ctx, step.effects);
    if (step.verdict.kind !== 'pending') return step;
  }
  if (step.round.digits !== '') return step; // the caller is mid-input: do not talk over them
  if (prompts.length === 0) return waitFor(step.round, rules.input.timeoutMs, ctx, step.effects);
  const play = ctx.play(prompts);
  return { round: { ...step.round, playbackId: play.playbackId }, effects: [...step.effects, play], verdict: pending };
}

export function roundEvent(round: Round, event: NodeEvent, rules: RoundRules, ctx: NodeContext): RoundStep | null {
  switch (event.type) {
    case 'playbackFinished':
      if (event.playbackId !== round.playbackId) return null;
      if (event.failed) return { round: { ...round, playbackId: null }, effects: [], verdict: { kind: 'playbackFailed' } };
      return waitFor({ ...round, playbackId: null }, rules.input.timeoutMs, ctx, []);
    case 'timer':
      if (event.timerId !== round.timerId) return null;
      if (round.digits === '') return { round: { ...round, timerId: null }, effects: [], verdict: { kind: 'noInput' } };
      return { round: { ...round, timerId: null }, effects: [], verdict: { kind: 'done', digits: round.digits, terminated: false } };
    case 'dtmf': {
      const effects: CallEffect[] = [];
      let current = round;
      if (current.playbackId) {
        // Without barge-in the prompt is heard to the end and digits pressed over it are ignored
        // (Asterisk Playback semantics); with it, the first digit stops the prompt.
        if (!rules.input.bargein) return { round, effects: [], verdict: pending };
        effects.push({ type: 'stopPlayback', playbackId: current.playbackId });
        current = { ...current, playbackId: null };
      }
      return addDigit(current, event.digit, rules, ctx, effects);
    }
    default:
      return null;
  }
}

function addDigit(round: Round, digit: string, rules: RoundRules, ctx: NodeContext, effects: CallEffect[]): RoundStep {
  const out = [...effects];
  if (round.timerId) out.push({ type: 'cancelTimer', timerId: round.timerId });
  const base = { ...round, timerId: null };
  if (rules.terminators.includes(digit)) {
    return { round: base, effects: out, verdict: { kind: 'done', digits: round.digits, terminated: true } };
  }
  const digits = round.digits + digit;
  if (rules.judge(digits) === 'done') return { round: { ...base, digits }, effects: out, verdict: { kind: 'done', digits, terminated: false } };
  return waitFor({ ...base, digits }, rules.input.interDigitMs, ctx, out);
}

function waitFor(round: Round, ms: number, ctx: NodeContext, effects: CallEffect[]): RoundStep {
  const timerId = ctx.newId('t');
  return { round: { ...round, timerId }, effects: [...effects, { type: 'startTimer', timerId, ms }], verdict: pending };
}

/** Prompt n of an escalating list (1-based attempt), the last one repeating. */
export function escalating(list: PromptRef[][], attempt: number): PromptRef[] {
  if (list.length === 0) return [];
  return list[Math.min(attempt, list.length) - 1] ?? [];
}
