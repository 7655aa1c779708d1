// Erlang C (M/M/N, callers never abandon): staffing for a planned interval. Pure math, no I/O.
// It overestimates waits when callers abandon (Erlang A would not); use it for planning and
// what-if, never for a prompt to one caller.

export interface ErlangCLoad {
  /** Calls offered during the interval. */
  callsPerInterval: number;
  intervalSec: number;
  /** Average handle time (talk + hold + wrap-up). */
  ahtSec: number;
  /** The service-level threshold T: a call counts as in service level when answered within T. */
  slSec: number;
}

export interface ErlangCRow {
  agents: number;
  /** False when agents <= traffic: the queue grows without bound, so every caller waits. */
  stable: boolean;
  /** P(wait): the share of callers who find every agent busy. */
  pWait: number;
  /** Share answered within slSec. */
  serviceLevel: number;
  /** Average speed of answer over all calls; null when unstable (unbounded). */
  asaSec: number | null;
  occupancy: number;
  /** 1 − P(wait). */
  immediateAnswer: number;
}

export interface StaffingTarget {
  serviceLevel: number;
  maxAsaSec?: number;
  /** Agents are added until traffic / agents is at most this (burn-out guard). */
  maxOccupancy?: number;
}

export interface StaffingResult {
  trafficErlangs: number;
  /** The smallest number of agents meeting every target; null when none up to the search limit does. */
  agents: number | null;
  /** The row for `agents`. */
  row: ErlangCRow | null;
  /** Rows a few agents either side of `agents`, what one more or one fewer would do. */
  table: ErlangCRow[];
}

/** The search stops here; far beyond any single queue, and the recursion is O(N). */
export const MAX_AGENTS = 200_000;
const TABLE_HALF_WIDTH = 3;
// Comparisons against a target like 0.8 must not fail on the last bit of a float.
const EPSILON = 1e-12;

/** Offered traffic A in Erlangs: arrival rate × AHT. */
export function trafficErlangs(load: ErlangCLoad): number {
  return (load.callsPerInterval * load.ahtSec) / load.intervalSec;
}

// Erlang B by its recursion B(0) = 1, B(k) = A·B(k−1) / (k + A·B(k−1)): every term stays in
// [0, 1], where Aᴺ/N! overflows a double past N ≈ 170.
function nextErlangB(previous: number, k: number, a: number): number {
  const x = a * previous;
  return x / (k + x);
}

export function erlangB(agents: number, a: number): number {
  let b = 1;
  for (let k = 1; k <= agents; k++) b = nextErlangB(b, k, a);
  return b;
}

// C = N·B / (N − A·(1 − B)), the same value as the factorial form in research/acd.md §2.3.
function rowFromErlangB(agents: number, a: number, b: number, load: ErlangCLoad): ErlangCRow {
  if (agents <= a) {
    return { agents, stable: false, pWait: 1, serviceLevel: 0, asaSec: null, occupancy: 1, immediateAnswer: 0 };
  }
  const pWait = Math.min(1, (agents * b) / (agents - a * (1 - b)));
  const spare = agents - a;
  return {
    agents,
    stable: true,
    pWait,
    serviceLevel: 1 - pWait * Math.exp((-spare * load.slSec) / load.ahtSec),
    asaSec: (pWait * load.ahtSec) / spare,
    occupancy: a / agents,
    immediateAnswer: 1 - pWait,
  };
}

export function erlangCRow(load: ErlangCLoad, agents: number): ErlangCRow {
  const a = trafficErlangs(load);
  return rowFromErlangB(agents, a, erlangB(agents, a), load);
}

function meets(row: ErlangCRow, target: StaffingTarget): boolean {
  if (!row.stable) return false;
  if (row.serviceLevel < target.serviceLevel - EPSILON) return false;
  if (target.maxAsaSec !== undefined && (row.asaSec ?? Infinity) > target.maxAsaSec + EPSILON) return false;
  if (target.maxOccupancy !== undefined && row.occupancy > target.maxOccupancy + EPSILON) return false;
  return true;
}

/** Rows for agents in [from, to], one Erlang B pass for all of them. */
export function erlangCTable(load: ErlangCLoad, from: number, to: number): ErlangCRow[] {
  const a = trafficErlangs(load);
  const rows: ErlangCRow[] = [];
  let b = 1;
  for (let k = 1; k <= to; k++) {
    b = nextErlangB(b, k, a);
    if (k >= from) rows.push(rowFromErlangB(k, a, b, load));
  }
  return rows;
}

export function evaluateAgents(load: ErlangCLoad, agents: number): StaffingResult {
  const table = erlangCTable(load, Math.max(1, agents - TABLE_HALF_WIDTH), agents + TABLE_HALF_WIDTH);
  return { trafficErlangs: trafficErlangs(load), agents, row: table.find((r) => r.agents === agents) ?? null, table };
}

/** The smallest number of agents meeting the target, walking N upwards from 1 in one recursion. */
export function staffFor(load: ErlangCLoad, target: StaffingTarget, maxAgents = MAX_AGENTS): StaffingResult {
  const a = trafficErlangs(load);
  let b = 1;
  for (let k = 1; k <= maxAgents; k++) {
    b = nextErlangB(b, k, a);
    if (meets(rowFromErlangB(k, a, b, load), target)) return evaluateAgents(load, k);
  }
  return { trafficErlangs: a, agents: null, row: null, table: [] };
}
