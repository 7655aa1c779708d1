import { describe, expect, it } from 'vitest';
import { erlangCRow, evaluateAgents, staffFor, trafficErlangs, type ErlangCLoad } from '../../../../src/core/stats/erlang-c.js';

// 100 calls per 30 min, AHT 180 s, T = 20 s: the example of the R package ErlangC 0.1.0
// (https://CRAN.R-project.org/package=ErlangC, README and ?calculate_agents), which is also
// callcentrehelper.com's "Erlang C formula example".
const SAMPLE: ErlangCLoad = { callsPerInterval: 100, intervalSec: 1800, ahtSec: 180, slSec: 20 };

// The factorial form of research/acd.md §2.3, usable while Aᴺ/N! fits a double: an independent oracle.
function pWaitByFactorials(n: number, a: number): number {
  let term = 1;
  let sum = 0;
  for (let k = 0; k < n; k++) {
    sum += term;
    term *= a / (k + 1);
  }
  const top = term * (n / (n - a));
  return top / (sum + top);
}

describe('Erlang C', () => {
  it('given the published example with 14 agents, then A, P(wait), SL, ASA, occupancy and immediate answer match ErlangC', () => {
    const row = erlangCRow(SAMPLE, 14);
    expect(trafficErlangs(SAMPLE)).toBe(10);
    expect(row.stable).toBe(true);
    expect(row.pWait).toBeCloseTo(0.1741319, 6);
    expect(row.serviceLevel).toBeCloseTo(0.88835, 5);
    expect(row.asaSec).toBeCloseTo(7.83593701177724, 9);
    expect(row.occupancy).toBeCloseTo(0.7142857, 6);
    expect(row.immediateAnswer).toBeCloseTo(0.8258681, 6);
  });

  it('given the published example with 11 agents, then it matches the first row of ErlangC calculate_agents $process', () => {
    // calculate_agents(...) $process [1,]: traffic_intensity 10, wait_probability 0.6821182, service_level 0.3896138
    const row = erlangCRow(SAMPLE, 11);
    expect(row.pWait).toBeCloseTo(0.6821182, 6);
    expect(row.serviceLevel).toBeCloseTo(0.3896138, 6);
  });

  it('given 30 calls an hour of 60 s and of 80 s on 2 call takers, then fewer than 8 % and about 14 % wait over 10 s', () => {
    // Footbridge Call Calc application note (http://www.al911.org/qos_calc.htm): "2 call takers handling
    // 60-second calls arriving at a rate of 30/hour shows that fewer than 8 percent of callers will wait
    // more than 10 seconds"; with 80-second calls "the QOS falls to 14 percent".
    const short = erlangCRow({ callsPerInterval: 30, intervalSec: 3600, ahtSec: 60, slSec: 10 }, 2);
    const long = erlangCRow({ callsPerInterval: 30, intervalSec: 3600, ahtSec: 80, slSec: 10 }, 2);
    expect(1 - short.serviceLevel).toBeLessThan(0.08);
    expect(1 - short.serviceLevel).toBeGreaterThan(0.07);
    expect(Math.round((1 - long.serviceLevel) * 100)).toBe(14);
  });

  it('given a target of 80 % in 20 s and at most 85 % occupancy, then 14 agents, as ErlangC calculate_agents finds', () => {
    const result = staffFor(SAMPLE, { serviceLevel: 0.8, maxOccupancy: 0.85 });
    expect(result.agents).toBe(14);
    expect(result.row?.serviceLevel).toBeCloseTo(0.88835, 5);
    expect(result.table.map((r) => r.agents)).toEqual([11, 12, 13, 14, 15, 16, 17]);
    expect(result.table[2]!.serviceLevel).toBeLessThan(0.8);
  });

  it('given an ASA target tighter than the SL target, then the ASA decides', () => {
    expect(staffFor(SAMPLE, { serviceLevel: 0.8, maxAsaSec: 5 }).agents).toBe(15);
  });

  it('given a low occupancy cap, then agents are added until traffic / agents is under it', () => {
    expect(staffFor(SAMPLE, { serviceLevel: 0.5, maxOccupancy: 0.5 }).agents).toBe(20);
  });

  it('given as many agents as Erlangs or fewer, then the row is unstable: everyone waits, ASA is unbounded, never NaN', () => {
    for (const agents of [1, 9, 10]) {
      expect(erlangCRow(SAMPLE, agents)).toEqual({
        agents, stable: false, pWait: 1, serviceLevel: 0, asaSec: null, occupancy: 1, immediateAnswer: 0,
      });
    }
  });

  it('given no calls, then one agent serves everyone at once', () => {
    const result = staffFor({ ...SAMPLE, callsPerInterval: 0 }, { serviceLevel: 0.99 });
    expect(result.agents).toBe(1);
    expect(result.row).toMatchObject({ agents: 1, pWait: 0, serviceLevel: 1, asaSec: 0, occupancy: 0 });
  });

  it('given small N, then the recursion agrees with the factorial formula', () => {
    for (const [n, a] of [[2, 0.5], [14, 10], [30, 25.5], [60, 55]] as const) {
      const row = erlangCRow({ callsPerInterval: a, intervalSec: 1, ahtSec: 1, slSec: 0 }, n);
      expect(row.pWait).toBeCloseTo(pWaitByFactorials(n, a), 12);
    }
  });

  it('given 3,600 Erlangs, then the staffing is found past 1,000 agents with finite numbers in every row', () => {
    const load = { callsPerInterval: 36_000, intervalSec: 1800, ahtSec: 180, slSec: 20 };
    const result = staffFor(load, { serviceLevel: 0.8 });
    expect(result.trafficErlangs).toBe(3600);
    expect(result.agents).toBeGreaterThan(3600);
    expect(result.agents).toBeLessThan(3600 + 60);
    for (const row of result.table) {
      expect(Number.isFinite(row.pWait)).toBe(true);
      expect(Number.isFinite(row.serviceLevel)).toBe(true);
    }
    const found = result.row!;
    const before = result.table.find((r) => r.agents === result.agents! - 1)!;
    expect(found.serviceLevel).toBeGreaterThanOrEqual(0.8);
    expect(before.serviceLevel).toBeLessThan(0.8);
  });

  it('given a target no staffing under the limit meets, then no agents and an empty table', () => {
    expect(staffFor(SAMPLE, { serviceLevel: 0.8 }, 12)).toEqual({ trafficErlangs: 10, agents: null, row: null, table: [] });
  });

  it('given agents, then the table runs three either side, starting at one', () => {
    expect(evaluateAgents(SAMPLE, 2).table.map((r) => r.agents)).toEqual([1, 2, 3, 4, 5]);
    expect(evaluateAgents(SAMPLE, 14).table.map((r) => r.agents)).toEqual([11, 12, 13, 14, 15, 16, 17]);
  });
});
