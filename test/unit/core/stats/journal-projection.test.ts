import { describe, expect, it } from 'vitest';
import { agentMetrics } from '../../../../src/core/stats/agent-metrics.js';
import { bucketsOf } from '../../../../src/core/stats/buckets.js';
import { contextNeeds, project, type ProjectionContext } from '../../../../src/core/stats/journal-projection.js';
import { createReplay, replayJournal } from '../../../../src/core/stats/journal-replay.js';
import type { Visit } from '../../../../src/core/stats/stats-types.js';
import { at, journalBuilder, workedExampleJournal } from './worked-example.js';

// The fold from journal rows to facts on the sequences the ACD writes around the edges: restarts,
// overflow at entry, unknown queues, extended and lost wrap-ups.

const pick = (v: Visit) => ({ id: v.interactionId, queue: v.queueId, outcome: v.outcome, wait: v.outcomeAt === null ? null : (v.outcomeAt - v.waitStart) / 1000 });

describe('journal projection', () => {
  it('given a restart while a caller waits, when the caller is enqueued again with their arrival, then it is one visit and the first estimate stands', () => {
    const j = journalBuilder();
    j.enqueue('c1', 'sales', 0, 30);
    j.enqueue('c1', 'sales', 40, 90);
    j.login('alice', 45);
    j.answer('c1', 'sales', 'alice', 45, 50, 50);
    const [v, ...rest] = replayJournal(j.rows).visits;
    expect(rest).toEqual([]);
    expect(v).toMatchObject({ outcome: 'answered', waitStart: at(0), ewtSec: 30, ewtAt: at(0), agentId: 'alice' });
  });

  it('given a full queue with an overflow, when a caller arrives, then the first queue counts a visit left by overflow and the second one the wait', () => {
    const j = journalBuilder();
    j.add(0, 'acd.full', { i: 'c1', q: 'sales' }, { maxLength: 2, waiting: 2 });
    j.add(0, 'acd.overflow', { i: 'c1', q: 'sales' }, { from: 'sales', to: 'general', reason: 'full' });
    j.enqueue('c1', 'general', 0, 40);
    j.add(12, 'acd.abandoned', { i: 'c1', q: 'general' }, { waitMs: 12_000 });
    const visits = replayJournal(j.rows).visits;
    expect(visits.map(pick)).toEqual([
      { id: 'c1', queue: 'sales', outcome: 'overflow', wait: 0 },
      { id: 'c1', queue: 'general', outcome: 'abandoned', wait: 12 },
    ]);
    expect(visits[1]).toMatchObject({ overflowIn: true, ewtSec: 40 });
  });

  it('given a full queue without overflow or an unknown queue, then the visit is closed full or noAgents at once', () => {
    const j = journalBuilder();
    j.add(0, 'acd.full', { i: 'c1', q: 'sales' }, { maxLength: 2, waiting: 2 });
    j.add(5, 'acd.noAgents', { i: 'c2', q: 'nowhere' }, { reason: 'unknown queue' });
    j.enqueue('c3', 'sales', 6, null);
    j.add(9, 'acd.noAgents', { i: 'c3', q: 'sales' }, { reason: 'no staffed agent left', waitMs: 3000 });
    j.enqueue('c4', 'sales', 10, null);
    j.add(70, 'acd.timeout', { i: 'c4', q: 'sales' }, { waitMs: 60_000 });
    j.enqueue('c5', 'sales', 11, null);
    j.add(13, 'acd.left', { i: 'c5', q: 'sales' }, { reason: 'option', waitMs: 2000 });
    expect(replayJournal(j.rows).visits.map(pick)).toEqual([
      { id: 'c1', queue: 'sales', outcome: 'full', wait: 0 },
      { id: 'c2', queue: 'nowhere', outcome: 'noAgents', wait: 0 },
      { id: 'c3', queue: 'sales', outcome: 'noAgents', wait: 3 },
      { id: 'c4', queue: 'sales', outcome: 'timeout', wait: 60 },
      { id: 'c5', queue: 'sales', outcome: 'option', wait: 2 },
    ]);
  });

  it('given an extended wrap-up, then its announced end moves; and a wrap-up whose end row was lost to a restart ends when announced', () => {
    const j = journalBuilder();
    j.login('alice', 0);
    j.enqueue('c1', 'sales', 0, null);
    j.answer('c1', 'sales', 'alice', 0, 2, 2);
    j.add(62, 'acd.ended', { i: 'c1', q: 'sales', a: 'alice' }, { by: 'caller', talkMs: 60_000 });
    j.add(62, 'acd.wrapup.started', { i: 'c1', q: 'sales', a: 'alice' }, { until: at(72) });
    j.add(65, 'acd.wrapup.extended', { a: 'alice' }, { seconds: 30, until: at(102) });
    const [v] = replayJournal(j.rows).visits;
    expect(v).toMatchObject({ wrapStart: at(62), wrapEnd: at(102), wrapFinal: false });
    const buckets = bucketsOf(at(0), at(3600), '60m', 'UTC');
    const alice = agentMetrics({ spans: replayJournal(j.rows).spans, visits: [v!], misses: [] }, buckets, at(3600)).summary;
    expect(alice).toMatchObject({ talkSec: 60, wrapUpSec: 40, handlingSec: 100 });
    // Asked while the wrap-up runs, it counts up to now.
    expect(agentMetrics({ spans: [], visits: [v!], misses: [] }, buckets, at(80)).summary.wrapUpSec).toBe(18);
  });

  it('given a conversation adopted after a restart, then it stays the one answered visit and ends normally', () => {
    const j = journalBuilder();
    j.enqueue('c1', 'sales', 0, null);
    j.answer('c1', 'sales', 'alice', 0, 5, 5);
    j.add(30, 'acd.adopted', { i: 'c1', q: 'sales', a: 'alice' }, { agentId: 'alice', connectedAt: at(5) });
    j.end('c1', 'sales', 'alice', 5, 65);
    const visits = replayJournal(j.rows).visits;
    expect(visits).toHaveLength(1);
    expect(visits[0]).toMatchObject({ answeredAt: at(5), endedAt: at(65), wrapFinal: true });
    // Adopted with no earlier trace: answered at connectedAt.
    const k = journalBuilder();
    k.add(30, 'acd.adopted', { i: 'c9', q: 'sales', a: 'bob' }, { agentId: 'bob', connectedAt: at(10) });
    expect(replayJournal(k.rows).visits[0]).toMatchObject({ outcome: 'answered', answeredAt: at(10), agentId: 'bob', waitStart: at(10) });
  });

  it('given a callback whose customer never answers, then the attempts are callback visits, the last one failed', () => {
    const j = journalBuilder();
    j.enqueue('c1', 'sales', 0, null);
    j.add(10, 'acd.left', { i: 'c1', q: 'sales' }, { reason: 'withdrawn', waitMs: 10_000 });
    j.enqueue('c1.cb1', 'sales', 10, null);
    j.answer('c1.cb1', 'sales', 'alice', 20, 22, 22);
    j.add(52, 'acd.callback.noAnswer', { i: 'c1.cb1' }, { attempt: 1 });
    j.add(52, 'acd.callback.failed', { i: 'c1.cb1' }, { attempts: 1 });
    const visits = replayJournal(j.rows).visits;
    expect(visits.map((v) => [v.interactionId, v.channel, v.outcome, v.callbackResult])).toEqual([
      ['c1', 'voice', 'callback', null],
      ['c1.cb1', 'callback', 'answered', 'failed'],
    ]);
  });

  it('given agent status rows, then spans open and close, a second pause reason closes the first', () => {
    const j = journalBuilder();
    j.login('alice', 0);
    j.pause('alice', 10, 'break', false);
    j.pause('alice', 20, 'training', true);
    j.unpause('alice', 30, 'training', 20);
    j.logout('alice', 40);
    j.add(45, 'acd.agent.registered', { a: 'alice' }, { endpoint: 'PJSIP/1001' });
    expect(replayJournal(j.rows).spans.map((s) => [s.status, s.reason, s.productive, (s.start - at(0)) / 1000, s.end === null ? null : (s.end - at(0)) / 1000])).toEqual([
      ['available', null, false, 0, 10],
      ['paused', 'break', false, 10, 20],
      ['paused', 'training', true, 20, 30],
      ['available', null, false, 30, 40],
    ]);
  });

  it('given the worked example fed one row at a time with only the context each row asks for, then the facts equal the replay', () => {
    const rows = workedExampleJournal();
    const visits = new Map<string, Visit[]>();
    const spans = new Map<string, ReturnType<typeof replayJournal>['spans'][number]>();
    for (const row of rows) {
      const needs = contextNeeds(row);
      const all = [...visits.values()].flat();
      const ctx: ProjectionContext = {
        visits: needs.visits ? (visits.get(row.interactionId!) ?? []) : [],
        openSpan: needs.openSpan ? ([...spans.values()].find((s) => s.agentId === row.agentId && s.end === null) ?? null) : null,
        openWrapUps: needs.openWrapUps ? all.filter((v) => v.agentId === row.agentId && v.wrapStart !== null && !v.wrapFinal) : [],
      };
      const change = project(row, ctx);
      for (const v of change.visits) {
        const list = visits.get(v.interactionId) ?? [];
        list[v.visit] = v;
        visits.set(v.interactionId, list);
      }
      for (const s of change.spans) spans.set(`${s.agentId}/${s.openedSeq}`, s);
    }
    const replay = createReplay();
    for (const row of rows) replay.apply(row);
    expect([...visits.values()].flat()).toEqual(replay.facts().visits);
    expect([...spans.values()]).toEqual(replay.facts().spans);
  });
});
