import type { CallEffect, CallInfo, CallState, FlowPreset, Step, StepContext } from '../call/call-types.js';
import { ExpressionError } from '../expr/expression.js';
import { callScope } from './call-scope.js';
import type { Flow, FlowLibrary, FlowNode } from './flow-types.js';
import { emptyOwned, type IvrState, type Owned } from './ivr-state.js';
import type { NodeContext, NodeEvent, NodeResult } from './node-definition.js';
import { nodeRegistry } from './node-registry.js';
import { renderPrompts } from './prompt-render.js';

// Runs flows: enters nodes, routes events to the current node, follows outcomes through the
// resolved exits, keeps the loop guards, the subflow stack and the type-ahead buffer, and cleans
// up whatever a node started when it is left. Pure: a step works on a private copy of the state.

// Nodes passed through without waiting for anything; beyond this the flow is spinning.
const MAX_INSTANT_HOPS = 100;
const MAX_SUBFLOW_DEPTH = 8;
const TYPE_AHEAD_LIMIT = 32;
/** Effects whose failure would leave the node waiting forever. */
const VITAL: ReadonlySet<string> = new Set(['play', 'startTimer', 'httpRequest', 'record', 'sendDtmf', 'dial', 'bridge', 'enqueue']);

interface Work {
  state: CallState;
  ivr: IvrState;
  effects: CallEffect[];
  at: number;
  context: StepContext;
}

export function startFlow(state: CallState, flow: Flow, library: FlowLibrary, call: CallInfo, at: number, context: StepContext, nodeId?: string, preset?: FlowPreset): Step {
  const ivr: IvrState = {
    library,
    call,
    frames: [{ flow, vars: { ...defaults(flow), ...preset?.vars }, calledFrom: null }],
    locale: preset?.locale ?? flow.locales[0] ?? 'en',
    input: {},
    response: null,
    http: {},
    queue: {},
    typeAhead: '',
    visits: {},
    steps: 0,
    startedAt: at,
    local: undefined,
    owned: emptyOwned(),
    masked: false,
    limitTimer: null,
    tags: [],
  };
  const w: Work = { state: { ...state, phase: 'running', flow, ivr }, ivr, effects: [], at, context };
  const limitTimer = newId(w, 'limit');
  ivr.limitTimer = limitTimer;
  emit(w, { type: 'startTimer', timerId: limitTimer, ms: flow.limits.maxDurationMs });
  emit(w, { type: 'setLanguage', language: asteriskLanguage(ivr.locale) });
  enterNode(w, nodeId && flow.nodes[nodeId] ? nodeId : flow.entry, 0);
  return finish(w);
}

export function flowEvent(state: CallState, event: NodeEvent, context: StepContext): Step {
  if (!state.ivr || state.phase !== 'running') return { state, effects: [] };
  const w = working(state, event.at, context);
  const owned = w.ivr.owned;
  switch (event.type) {
    case 'playbackFinished':
      owned.playbacks = owned.playbacks.filter((id) => id !== event.playbackId);
      break;
    case 'timer':
      owned.timers = owned.timers.filter((id) => id !== event.timerId);
      if (event.timerId === w.ivr.limitTimer) {
        w.ivr.limitTimer = null;
        const kind = currentNode(w)?.kind;
        // The limit is on time spent in the IVR: a caller waiting for or talking to a person stays,
        // and the limit applies again soon after they are back in the flow.
        if (kind === 'queue' || kind === 'transfer') {
          const again = newId(w, 'limit');
          w.ivr.limitTimer = again;
          emit(w, { type: 'startTimer', timerId: again, ms: 10_000 });
          return finish(w);
        }
        journal(w, 'flow.limit', { limit: 'maxDurationSec', nodeId: w.state.nodeId });
        fail(w, 'flow_limit', 'the call spent longer than limits.maxDurationSec in the flow');
        return finish(w);
      }
      break;
    case 'recordingFinished':
      owned.recordings = owned.recordings.filter((n) => n !== event.name);
      break;
    case 'legEnded':
      owned.legs = owned.legs.filter((id) => id !== event.legId);
      break;
    case 'queueResult':
      owned.queues = owned.queues.filter((id) => id !== event.requestId);
      break;
    case 'dtmf': {
      // A digit typed ahead may be the start of a card number for a masked collect further on:
      // journal that a key was pressed, not which. Input nodes journal what they make of it.
      const node = currentNode(w);
      const typedAhead = node !== undefined && !nodeRegistry[node.kind].takesInput && frame(w).flow.masksInput;
      journal(w, 'dtmf', w.ivr.masked || typedAhead ? { masked: true, nodeId: w.state.nodeId, ...(typedAhead ? { typeAhead: true } : {}) } : { digit: event.digit, nodeId: w.state.nodeId });
      break;
    }
  }
  const node = currentNode(w);
  if (!node) return finish(w);
  const definition = nodeRegistry[node.kind];
  const keeps = node.kind !== 'play' || node.typeAhead;
  if (event.type === 'dtmf' && !definition.takesInput && keeps) w.ivr.typeAhead = (w.ivr.typeAhead + event.digit).slice(-TYPE_AHEAD_LIMIT);
  let result = guarded(() => definition.on(node as never, w.ivr.local, event, nodeContext(w, node)));
  if (event.type === 'effectFailed' && isEmpty(result) && VITAL.has(event.effect)) {
    result = { error: { code: event.code, message: `${event.effect} failed: ${event.message}` } };
  }
  apply(w, node, result, 0);
  return finish(w);
}

/** Effects that release everything the current node holds (call ending, or leaving the node). */
export function releaseAll(owned: Owned, masked: boolean, nodeId: string | null, callerGone = false): CallEffect[] {
  const effects: CallEffect[] = [];
  for (const timerId of owned.timers) effects.push({ type: 'cancelTimer', timerId });
  for (const playbackId of owned.playbacks) effects.push({ type: 'stopPlayback', playbackId });
  for (const name of owned.recordings) effects.push({ type: 'stopRecording', name });
  for (const requestId of owned.queues) effects.push({ type: 'leaveQueue', requestId, callerGone });
  for (const legId of owned.legs) effects.push({ type: 'hangupLeg', legId });
  for (const bridgeId of owned.bridges) effects.push({ type: 'destroyBridge', bridgeId });
  if (masked && nodeId) effects.push({ type: 'mask', on: false, nodeId });
  return effects;
}

function working(state: CallState, at: number, context: StepContext): Work {
  const old = state.ivr as IvrState;
  const ivr: IvrState = {
    ...old,
    frames: old.frames.map((f) => ({ ...f, vars: { ...f.vars } })),
    visits: { ...old.visits },
    owned: {
      timers: [...old.owned.timers],
      playbacks: [...old.owned.playbacks],
      recordings: [...old.owned.recordings],
      legs: [...old.owned.legs],
      bridges: [...old.owned.bridges],
      queues: [...old.owned.queues],
    },
    tags: [...old.tags],
  };
  return { state: { ...state, ivr }, ivr, effects: [], at, context };
}

function finish(w: Work): Step {
  return { state: { ...w.state, ivr: w.ivr }, effects: w.effects };
}

function defaults(flow: Flow): Record<string, unknown> {
  return Object.fromEntries(Object.entries(flow.vars).map(([name, decl]) => [name, structuredClone(decl.default)]));
}

function frame(w: Work) {
  return w.ivr.frames[w.ivr.frames.length - 1] as IvrState['frames'][number];
}

function currentNode(w: Work): FlowNode | undefined {
  return w.state.nodeId ? frame(w).flow.nodes[w.state.nodeId] : undefined;
}

function newId(w: Work, prefix: string): string {
  w.state = { ...w.state, seq: w.state.seq + 1 };
  return `${w.state.callId}-${prefix}${w.state.seq}`;
}

function journal(w: Work, event: string, data?: Record<string, unknown>) {
  w.effects.push({ type: 'journal', event, ...(data ? { data } : {}) });
}

// Effects pass through here so the interpreter knows what each node holds.
function emit(w: Work, effect: CallEffect) {
  const owned = w.ivr.owned;
  switch (effect.type) {
    case 'startTimer':
      if (effect.timerId !== w.ivr.limitTimer) owned.timers.push(effect.timerId);
      break;
    case 'cancelTimer':
      owned.timers = owned.timers.filter((id) => id !== effect.timerId);
      break;
    case 'play':
      owned.playbacks.push(effect.playbackId);
      break;
    case 'stopPlayback':
      owned.playbacks = owned.playbacks.filter((id) => id !== effect.playbackId);
      break;
    case 'record':
      owned.recordings.push(effect.name);
      break;
    case 'dial':
      owned.legs.push(effect.legId);
      break;
    case 'bridge':
      owned.bridges.push(effect.bridgeId);
      break;
    case 'enqueue':
      owned.queues.push(effect.requestId);
      break;
  }
  w.effects.push(effect);
}

function nodeContext(w: Work, node: FlowNode): NodeContext {
  return {
    at: w.at,
    callId: w.state.callId,
    newId: (prefix) => newId(w, prefix),
    scope: () => callScope(w.ivr, w.state.callId, w.at),
    play(prompts) {
      const flow = frame(w).flow;
      const media = renderPrompts(prompts, w.ivr.locale, callScope(w.ivr, w.state.callId, w.at), flow.timezone);
      return { type: 'play', playbackId: newId(w, 'p'), media, prompts: prompts.map((p) => p.key) };
    },
    takeTypeAhead() {
      const digits = w.ivr.typeAhead;
      w.ivr.typeAhead = '';
      const input = (node as { input?: { typeAhead: boolean } }).input;
      return input && !input.typeAhead ? '' : digits;
    },
    calendarOverride: (calendarId) => w.context.calendarOverrides.get(calendarId) ?? null,
    queueHold: (queueId) => w.context.queues?.hold(queueId) ?? null,
    queueStatus: (requestId) => w.context.queues?.status(requestId) ?? null,
    queueCallbackAllowed: (requestId) => w.context.queues?.callbackAllowed(requestId) ?? true,
    isWired: (outcome) => {
      const via = node.exits[outcome]?.via;
      return via === 'node' || via === 'defaults';
    },
  };
}

function enterNode(w: Work, nodeId: string, hops: number): void {
  const flow = frame(w).flow;
  const node = flow.nodes[nodeId];
  if (!node) return fail(w, 'flow_missing_node', `node '${nodeId}' does not exist in flow '${flow.id}'`);
  if (hops > MAX_INSTANT_HOPS) return fail(w, 'flow_loop', `more than ${MAX_INSTANT_HOPS} nodes without waiting for the caller`);
  w.ivr.steps += 1;
  // Limits are the entry flow's: they bound the call, whatever subflows it passes through.
  const maxSteps = (w.ivr.frames[0] as IvrState['frames'][number]).flow.limits.maxSteps;
  if (w.ivr.steps > maxSteps) {
    journal(w, 'flow.limit', { limit: 'maxSteps', nodeId });
    return fail(w, 'flow_limit', `more than limits.maxSteps (${maxSteps}) nodes in one call`);
  }
  const key = `${flow.id}/${nodeId}`;
  const visits = (w.ivr.visits[key] ?? 0) + 1;
  w.ivr.visits[key] = visits;
  w.state = { ...w.state, nodeId };
  w.ivr.local = undefined;
  if (node.maxVisits > 0 && visits > node.maxVisits) {
    journal(w, 'node.loopExceeded', { flowId: flow.id, nodeId, visits });
    return leave(w, node, 'loopExceeded', hops);
  }
  journal(w, 'node.entered', { flowId: flow.id, nodeId, kind: node.kind, ...(w.ivr.frames.length > 1 ? { depth: w.ivr.frames.length - 1 } : {}) });
  apply(w, node, guarded(() => nodeRegistry[node.kind].enter(node as never, nodeContext(w, node))), hops);
}

function apply(w: Work, node: FlowNode, result: NodeResult, hops: number): void {
  const flow = frame(w).flow;
  for (const entry of result.journal ?? []) journal(w, entry.event, entry.data);
  if (result.ends) {
    for (const effect of releaseAll(w.ivr.owned, w.ivr.masked, w.state.nodeId)) w.effects.push(effect);
    w.ivr.owned = emptyOwned();
    w.ivr.masked = false;
  }
  for (const effect of result.effects ?? []) emit(w, effect);
  if (result.local !== undefined) w.ivr.local = result.local;
  if (result.mask && !w.ivr.masked) {
    w.ivr.masked = true;
    emit(w, { type: 'mask', on: true, nodeId: node.id });
  }
  if (result.setVars) {
    const vars = frame(w).vars;
    const shown: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(result.setVars)) {
      vars[name] = value;
      shown[name] = flow.vars[name]?.sensitive ? '[masked]' : value;
    }
    journal(w, 'vars.set', { nodeId: node.id, vars: shown });
  }
  if (result.setLocale && result.setLocale !== w.ivr.locale) {
    w.ivr.locale = result.setLocale;
    journal(w, 'locale.set', { nodeId: node.id, locale: result.setLocale });
    emit(w, { type: 'setLanguage', language: asteriskLanguage(result.setLocale) });
  }
  if (result.setInput) w.ivr.input = result.setInput;
  if (result.setHttp) {
    w.ivr.response = result.setHttp.response;
    w.ivr.http = { ...w.ivr.http, [result.setHttp.nodeId]: result.setHttp.response };
  }
  if (result.setQueue) w.ivr.queue = result.setQueue;
  if (result.addTags?.length) {
    w.ivr.tags = [...new Set([...w.ivr.tags, ...result.addTags])];
    journal(w, 'tags.added', { nodeId: node.id, tags: result.addTags });
  }
  if (result.ends) {
    w.state = { ...w.state, phase: 'ending', endReason: w.state.endReason ?? 'flow_hangup' };
    return;
  }
  if (result.call) return callSubflow(w, node, result.call.flowId, result.call.vars, hops);
  if (result.return) return returnFromFlow(w, node, result.return.value, hops);
  if (result.error) {
    journal(w, 'node.error', { flowId: flow.id, nodeId: node.id, ...result.error });
    return leave(w, node, 'error', hops);
  }
  if (result.exit) return leave(w, node, result.exit, hops);
}

function leave(w: Work, node: FlowNode, outcome: string, hops: number): void {
  const flow = frame(w).flow;
  for (const effect of releaseAll(w.ivr.owned, w.ivr.masked, node.id)) w.effects.push(effect);
  w.ivr.owned = emptyOwned();
  w.ivr.masked = false;
  w.ivr.local = undefined;
  const exit = node.exits[outcome] ?? node.exits['error'] ?? { target: null, via: 'none' as const };
  journal(w, 'node.exited', { flowId: flow.id, nodeId: node.id, outcome, target: exit.target });
  if (exit.target !== null) return enterNode(w, exit.target, hops + 1);
  if (exit.via === 'implicit') return returnFromFlow(w, node, null, hops);
  fail(w, 'flow_unrouted', `outcome '${outcome}' of node '${node.id}' leads nowhere`);
}

function callSubflow(w: Work, node: FlowNode, flowId: string, params: Record<string, unknown>, hops: number): void {
  const flow = w.ivr.library.get(flowId);
  if (!flow) {
    journal(w, 'node.error', { nodeId: node.id, code: 'flow_not_found', message: `subflow '${flowId}' is not loaded` });
    return leave(w, node, 'error', hops);
  }
  if (w.ivr.frames.length > MAX_SUBFLOW_DEPTH) {
    journal(w, 'node.error', { nodeId: node.id, code: 'flow_depth', message: `subflows nested deeper than ${MAX_SUBFLOW_DEPTH}` });
    return leave(w, node, 'error', hops);
  }
  journal(w, 'subflow.called', { nodeId: node.id, flowId, version: flow.version });
  w.ivr.frames.push({ flow, vars: { ...defaults(flow), ...params }, calledFrom: node.id });
  enterNode(w, flow.entry, hops + 1);
}

function returnFromFlow(w: Work, node: FlowNode, value: unknown, hops: number): void {
  const top = frame(w);
  if (w.ivr.frames.length === 1 || top.calledFrom === null) {
    // Running off the end of the entry flow hangs up normally rather than leaving silence.
    journal(w, 'flow.completed', { flowId: top.flow.id, nodeId: node.id });
    for (const effect of releaseAll(w.ivr.owned, w.ivr.masked, node.id)) w.effects.push(effect);
    w.ivr.owned = emptyOwned();
    w.ivr.masked = false;
    emit(w, { type: 'hangup', reason: 'normal' });
    w.state = { ...w.state, phase: 'ending', endReason: w.state.endReason ?? 'flow_hangup' };
    return;
  }
  w.ivr.frames.pop();
  const caller = frame(w).flow.nodes[top.calledFrom];
  journal(w, 'subflow.returned', { flowId: top.flow.id, nodeId: top.calledFrom });
  if (!caller) return fail(w, 'flow_missing_node', `subflow caller '${top.calledFrom}' is gone`);
  w.state = { ...w.state, nodeId: caller.id };
  const definition = nodeRegistry[caller.kind];
  const resume = definition.resume;
  const result = resume ? guarded(() => resume(caller as never, undefined, value, nodeContext(w, caller))) : { exit: 'next' };
  apply(w, caller, result, hops);
}

/** The guaranteed end path: log why and hand the caller to the dialplan fallback. */
function fail(w: Work, code: string, message: string): void {
  for (const effect of releaseAll(w.ivr.owned, w.ivr.masked, w.state.nodeId)) w.effects.push(effect);
  w.ivr.owned = emptyOwned();
  w.ivr.masked = false;
  journal(w, 'call.error', { code, message, nodeId: w.state.nodeId });
  w.effects.push({ type: 'continueToFallback', reason: code });
  w.state = { ...w.state, phase: 'ending', endReason: 'fallback' };
}

function asteriskLanguage(locale: string): string {
  return locale.split('-')[0] ?? locale;
}

// A template or say-as value that fails at call time (a missing key in an http response, say)
// takes the node's error outcome instead of leaving the caller in limbo.
function guarded(run: () => NodeResult): NodeResult {
  try {
    return run();
  } catch (err) {
    if (!(err instanceof ExpressionError)) throw err;
    return { error: { code: 'expression', message: err.message } };
  }
}

function isEmpty(result: NodeResult): boolean {
  return Object.keys(result).length === 0;
}
