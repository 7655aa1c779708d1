import { describe, expect, it } from 'vitest';
import type { AcdFact } from '../../../../src/core/calls/journal-facts.js';
import { createQueueLogWriter, type QueueLogInput } from '../../../../src/core/calls/queue-log.js';
import { journal, outcomeScenarios, T0 } from './journal-fixtures.js';

const E = Math.floor(T0 / 1000);
const asInput = (rows: AcdFact[], callId: string | null = 'call-1', callerNumber: string | null = '+33611111111'): QueueLogInput[] =>
  rows.map((r) => ({ ...r, callId, callerNumber }));
const format = (rows: QueueLogInput[]) => {
  const writer = createQueueLogWriter();
  return rows.flatMap((r) => writer.write(r));
};
const scenario = (name: string) => asInput(outcomeScenarios.find((s) => s.name === name)!.journal.acd);

describe('queue_log export', () => {
  it('given an answered call, then ENTERQUEUE, CONNECT (hold s, offer, ring s) and COMPLETECALLER (hold, call, position)', () => {
    expect(format(scenario('a caller answered by an agent'))).toEqual([
      `${E}|call-1|sales|NONE|ENTERQUEUE||+33611111111|1`,
      `${E + 20}|call-1|sales|Agent/alice|CONNECT|20|o-1|20`,
      `${E + 80}|call-1|sales|Agent/alice|COMPLETECALLER|20|60|1`,
    ]);
  });

  it('given a caller who hung up while it rang, then RINGCANCELED (ms) and ABANDON (position, original position, wait s)', () => {
    expect(format(scenario('a caller who hung up while queued'))).toEqual([
      `${E}|call-1|sales|NONE|ENTERQUEUE||+33611111111|2`,
      `${E + 5}|call-1|sales|Agent/alice|RINGCANCELED|4900`,
      `${E + 5}|call-1|sales|NONE|ABANDON|2|2|5`,
    ]);
  });

  it('given a missed offer, then RINGNOANSWER carries the ring time in ms', () => {
    const rows = journal()
      .acd(0, 'acd.enqueued', 'q1', { queue: 'sales' }, { position: 1 })
      .acd(1_000, 'acd.offered', 'q1', { queue: 'sales', agent: 'alice' }, { offerId: 'o-1' })
      .acd(16_000, 'acd.offer.missed', 'q1', { queue: 'sales', agent: 'alice' }, { offerId: 'o-1', reason: 'noAnswer' })
      .acd(16_000, 'acd.offer.cancelled', 'q1', { queue: 'sales', agent: 'bob' }, { offerId: 'o-9', reason: 'lostRace' })
      .build().acd;
    expect(format(asInput(rows)).slice(1)).toEqual([`${E + 16}|call-1|sales|Agent/alice|RINGNOANSWER|15000`]);
  });

  it('given a blind transfer to a queue, then BLINDTRANSFER for the first agent and the same callid enters the next queue', () => {
    expect(format(scenario('a transfer to a queue where the caller then hung up'))).toEqual([
      `${E}|call-1|sales|NONE|ENTERQUEUE||+33611111111|1`,
      `${E + 2}|call-1|sales|Agent/alice|CONNECT|2|o-1|2`,
      `${E + 30}|call-1|sales|Agent/alice|BLINDTRANSFER|billing|queue|2|28|1`,
      `${E + 30}|call-1|billing|NONE|ENTERQUEUE||+33611111111|1`,
      `${E + 50}|call-1|billing|NONE|ABANDON|1|1|20`,
    ]);
  });

  it('given timeouts, full queues, empty queues and key exits, then EXITWITHTIMEOUT, FULL, JOINEMPTY and EXITWITHKEY', () => {
    expect(format(scenario('a caller past the maximum wait')).at(-1)).toBe(`${E + 60}|call-1|sales|NONE|EXITWITHTIMEOUT|1|1|60`);
    expect(format(scenario('a full queue without overflow'))).toEqual([`${E}|call-1|sales|NONE|FULL|`]);
    expect(format(scenario('a queue nobody staffs'))).toEqual([`${E}|call-1|sales|NONE|JOINEMPTY|`]);
    expect(format(scenario('a caller who left the queue with a menu key')).at(-1)).toBe(`${E + 4}|call-1|sales|NONE|EXITWITHKEY|option|1|1|4`);
  });

  it('given an overflow on max wait, then the caller exits the first queue by timeout and enters the next', () => {
    const rows = journal()
      .acd(0, 'acd.enqueued', 'q1', { queue: 'sales' }, { position: 3 })
      .acd(60_000, 'acd.overflow', 'q1', { queue: 'general' }, { from: 'sales', to: 'general', reason: 'maxWait' })
      .acd(90_000, 'acd.noAgents', 'q1', { queue: 'general' }, { reason: 'queue removed' })
      .build().acd;
    expect(format(asInput(rows))).toEqual([
      `${E}|call-1|sales|NONE|ENTERQUEUE||+33611111111|3`,
      `${E + 60}|call-1|sales|NONE|EXITWITHTIMEOUT|3|3|60`,
      `${E + 60}|call-1|general|NONE|ENTERQUEUE||+33611111111|3`,
      `${E + 90}|call-1|general|NONE|EXITEMPTY|3|3|30`,
    ]);
  });

  it('given a callback, then the withdrawn caller exits with a key and the callback is a call of its own', () => {
    const lines = format(scenario('a caller who asked to be called back, later reached'));
    expect(lines[1]).toBe(`${E + 9}|call-1|sales|NONE|EXITWITHKEY|callback|1|1|9`);
    expect(lines.slice(2)).toEqual([
      `${E + 9}|q1.cb1|sales|NONE|ENTERQUEUE||+33611111111|1`,
      `${E + 69}|q1.cb1|sales|Agent/bob|CONNECT|60|o-2|60`,
      `${E + 95}|q1.cb1|sales|Agent/bob|COMPLETEAGENT|60|26|1`,
    ]);
  });

  it('given agent sessions, then AGENTLOGIN, PAUSE and UNPAUSE with the reason, AGENTLOGOFF with the session length', () => {
    const rows = journal()
      .acd(0, 'acd.agent.login', null, { agent: 'alice' })
      .acd(60_000, 'acd.agent.paused', null, { agent: 'alice' }, { reason: 'lunch', productive: false, auto: false })
      .acd(120_000, 'acd.agent.unpaused', null, { agent: 'alice' }, { reason: 'lunch', pausedMs: 60_000 })
      .acd(3_600_000, 'acd.agent.logout', null, { agent: 'alice' })
      .build().acd;
    expect(format(asInput(rows, null, null))).toEqual([
      `${E}|NONE|NONE|Agent/alice|AGENTLOGIN|`,
      `${E + 60}|NONE|NONE|Agent/alice|PAUSE|lunch`,
      `${E + 120}|NONE|NONE|Agent/alice|UNPAUSE|lunch`,
      `${E + 3600}|NONE|NONE|Agent/alice|AGENTLOGOFF||3600`,
    ]);
  });

  it('given a row whose visit began before the export range, then hold and call times come from the row itself', () => {
    const rows = journal()
      .acd(30_000, 'acd.offer.answered', 'q1', { queue: 'sales', agent: 'alice' }, { offerId: 'o-1', waitMs: 30_000 })
      .acd(90_000, 'acd.ended', 'q1', { queue: 'sales', agent: 'alice' }, { by: 'agent', talkMs: 60_000 })
      .build().acd;
    expect(format(asInput(rows))).toEqual([`${E + 30}|call-1|sales|Agent/alice|CONNECT|30|o-1|0`, `${E + 90}|call-1|sales|Agent/alice|COMPLETEAGENT|30|60|1`]);
  });

  it('given a pipe or a line break in a value, then it cannot split the record', () => {
    const rows = journal().acd(0, 'acd.agent.paused', null, { agent: 'al|ice' }, { reason: 'coffee\n1|2' }).build().acd;
    expect(format(asInput(rows))).toEqual([`${E}|NONE|NONE|Agent/al_ice|PAUSE|coffee_1_2`]);
  });
});
