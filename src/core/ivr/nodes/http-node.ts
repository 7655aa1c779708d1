import type { CallEffect, HttpOutcome } from '../../call/call-types.js';
import { ExpressionError, type ExprScope } from '../../expr/expression.js';
import type { BodyTemplate, HttpNode } from '../flow-types.js';
import type { NodeContext, NodeDefinition, NodeResult } from '../node-definition.js';
import { withoutMarks } from '../secret-refs.js';

// A data dip with a hard time limit, retries and a filler prompt for slow backends. The shell
// performs the request (and fills in ${env:NAME} secrets); the core only sees the outcome.
interface HttpLocal {
  requestId: string;
  attempt: number;
  holdTimer: string | null;
  holdPlayback: string | null;
}

function renderBody(body: BodyTemplate, scope: ExprScope): unknown {
  if (body === null || typeof body !== 'object') return body;
  if (Array.isArray(body)) return body.map((b) => renderBody(b, scope));
  if ('render' in body && typeof body.render === 'function') return (body as { value(s: ExprScope): unknown }).value(scope);
  return Object.fromEntries(Object.entries(body as Record<string, BodyTemplate>).map(([k, v]) => [k, renderBody(v, scope)]));
}

function request(node: HttpNode, ctx: NodeContext): { requestId: string; effect: CallEffect } {
  const scope = withoutMarks(ctx.scope()) as ExprScope;
  const requestId = ctx.newId('h');
  const headers = Object.fromEntries(node.headers.map(([name, t]) => [name, t.render(scope)]));
  const body = node.body === undefined ? undefined : JSON.stringify(renderBody(node.body, scope));
  if (body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
  return {
    requestId,
    effect: {
      type: 'httpRequest',
      requestId,
      nodeId: node.id,
      request: { method: node.method, url: node.url.render(scope), headers, ...(body !== undefined ? { body } : {}), timeoutMs: node.timeoutMs },
    },
  };
}

function attempt(node: HttpNode, ctx: NodeContext, attemptNo: number, hold: Pick<HttpLocal, 'holdTimer' | 'holdPlayback'>): NodeResult {
  try {
    const { requestId, effect } = request(node, ctx);
    return { effects: [effect], local: { holdTimer: hold.holdTimer, holdPlayback: hold.holdPlayback, requestId, attempt: attemptNo } satisfies HttpLocal };
  } catch (err) {
    if (err instanceof ExpressionError) return { error: { code: 'expression', message: err.message } };
    throw err;
  }
}

function settle(node: HttpNode, local: HttpLocal, result: HttpOutcome, ctx: NodeContext): NodeResult {
  const response = result.kind === 'timeout' ? { status: null, timedOut: true } : { status: result.status, body: result.kind === 'ok' ? result.body : result.body ?? null, ...(result.kind === 'ok' ? { headers: result.headers } : { error: result.message }) };
  const journal = [{ event: 'http.result', data: { nodeId: node.id, attempt: local.attempt, outcome: result.kind, status: result.kind === 'timeout' ? null : result.status } }];
  if (result.kind !== 'ok') {
    if (local.attempt < node.retries) return { ...attempt(node, ctx, local.attempt + 1, local), journal };
    return { journal, exit: result.kind, setHttp: { nodeId: node.id, response } };
  }
  // Map with the new response visible, before the node's vars change.
  const scope = { ...ctx.scope(), response };
  try {
    const setVars = Object.fromEntries(node.map.map(([name, expr]) => [name, expr.evaluate(scope)]));
    return { journal, exit: 'ok', setHttp: { nodeId: node.id, response }, setVars };
  } catch (err) {
    if (err instanceof ExpressionError) {
      return { journal, setHttp: { nodeId: node.id, response }, error: { code: 'http_mapping', message: `map: ${err.message}` } };
    }
    throw err;
  }
}

export const httpNode: NodeDefinition<HttpNode> = {
  kind: 'http',
  takesInput: false,
  enter(node, ctx) {
    let holdTimer: string | null = null;
    const effects: CallEffect[] = [];
    if (node.hold) {
      holdTimer = ctx.newId('t');
      effects.push({ type: 'startTimer', timerId: holdTimer, ms: node.hold.afterMs });
    }
    const first = attempt(node, ctx, 0, { holdTimer, holdPlayback: null });
    return { ...first, effects: [...(first.effects ?? []), ...effects] };
  },
  on(node, raw, event, ctx) {
    const local = raw as HttpLocal;
    switch (event.type) {
      case 'httpResult':
        return event.requestId === local.requestId ? settle(node, local, event.result, ctx) : {};
      case 'timer':
      case 'playbackFinished': {
        // The filler loops until the answer comes; the interpreter stops it when the node exits.
        const due = event.type === 'timer' ? event.timerId === local.holdTimer : event.playbackId === local.holdPlayback;
        if (!due || !node.hold) return {};
        const play = ctx.play(node.hold.prompts);
        return { effects: [play], local: { ...local, holdTimer: null, holdPlayback: play.playbackId } };
      }
      case 'effectFailed':
        return event.effect === 'httpRequest' ? settle(node, local, { kind: 'error', status: null, message: event.message }, ctx) : {};
      default:
        return {};
    }
  },
};
