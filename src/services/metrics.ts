import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import type { AcdEffect, AgentActivity, AgentStatus, AgentView, MissReason, QueueSnapshot } from '../core/acd/acd-types.js';
import type { NewCall } from '../ports/call-store.js';

export type CallDirection = NewCall['direction'];
/** How an offer to an agent ended: answered, missed (MissReason), or withdrawn (cancelOffer reason). */
export type OfferResult = 'answered' | MissReason | Extract<AcdEffect, { type: 'cancelOffer' }>['reason'];

/** Live state read on every scrape; each is an in-memory read in the services that own it. */
export interface MetricsSources {
  activeCalls(): number;
  ariConnected(): boolean;
  queues(): Pick<QueueSnapshot, 'queueId' | 'waiting' | 'longestWaitSec'>[];
  agents(): Pick<AgentView, 'status' | 'activity' | 'pauseReason'>[];
}

export interface MetricsOptions {
  /**
   * process_* and nodejs_* (event-loop lag p50/p90/p99/mean, heap, GC, file descriptors). Each
   * instance leaves an event-loop histogram and a GC observer running, so tests that build many
   * instances turn this off.
   */
  defaultMetrics?: boolean;
}

export interface Metrics {
  /** text/plain; version=0.0.4 (the Prometheus text format). */
  readonly contentType: string;
  /** Reads the sources and renders every metric. */
  render(): Promise<string>;
  recordingStarted(): void;
  /** reason: a short stable code (e.g. 'ari_error', 'channel_gone'), never a message: each value is a series. */
  recordingFailed(reason: string): void;
  callStarted(direction: CallDirection): void;
  acdOffer(result: OfferResult): void;
}

// Records, so a status, activity, direction or result added to the union is a compile error here
// until it is listed: every label combination is exported from the start, at 0, and rate() and
// absent-series alerts work before the first event.
const STATUSES: Record<AgentStatus, true> = { loggedOut: true, available: true, paused: true };
const ACTIVITIES: Record<AgentActivity, true> = { idle: true, reserved: true, ringing: true, onCall: true, wrapUp: true };
const DIRECTIONS: Record<CallDirection, true> = { inbound: true, internal: true };
const OFFER_RESULTS: Record<OfferResult, true> = {
  answered: true, noAnswer: true, busy: true, unavailable: true, rejected: true, failed: true,
  timeout: true, lostRace: true, callerLeft: true, agentLoggedOut: true,
};
const keys = <K extends string>(record: Record<K, true>) => Object.keys(record) as K[];

// A registry per instance, never prom-client's global one: two apps in one test process must not
// collide on metric names.
export function createMetrics(sources: MetricsSources, options: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  const registers = [registry];
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });

  new Gauge({
    name: 'switchboard_calls_active', help: 'Calls in Switchboard now (in a flow, queued or connected).', registers,
    collect() { this.set(sources.activeCalls()); },
  });
  new Gauge({
    name: 'switchboard_ari_connected', help: '1 while the ARI event WebSocket to Asterisk is connected.', registers,
    collect() { this.set(sources.ariConnected() ? 1 : 0); },
  });

  // Each family is read once per scrape, by the collect() of its first gauge, which also fills
  // the others. The registry renders in registration order, so those are registered after it
  // (else they would show the previous scrape). reset() drops the series of a deleted queue or of
  // a pause reason no one is in.
  const longestWait = new Gauge({
    name: 'switchboard_queue_longest_wait_seconds', help: 'Age of the longest-waiting interaction in the queue (0 when none).', labelNames: ['queue'], registers: [],
  });
  new Gauge({
    name: 'switchboard_queue_waiting', help: 'Interactions waiting in the queue.', labelNames: ['queue'], registers,
    collect() {
      this.reset();
      longestWait.reset();
      for (const q of sources.queues()) {
        this.set({ queue: q.queueId }, q.waiting);
        longestWait.set({ queue: q.queueId }, q.longestWaitSec);
      }
    },
  });
  registry.registerMetric(longestWait);

  const paused = new Gauge({ name: 'switchboard_agents_paused', help: 'Paused agents by pause reason.', labelNames: ['reason'], registers: [] });
  new Gauge({
    name: 'switchboard_agents', help: 'Agents by status (intent) and activity (what they are doing).', labelNames: ['status', 'activity'], registers,
    collect() {
      const counts = new Map<string, number>();
      const reasons = new Map<string, number>();
      const bump = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);
      for (const a of sources.agents()) {
        bump(counts, `${a.status}/${a.activity}`);
        if (a.status === 'paused') bump(reasons, a.pauseReason ?? 'none');
      }
      for (const status of keys(STATUSES)) {
        for (const activity of keys(ACTIVITIES)) this.set({ status, activity }, counts.get(`${status}/${activity}`) ?? 0);
      }
      paused.reset();
      for (const [reason, n] of reasons) paused.set({ reason }, n);
    },
  });
  registry.registerMetric(paused);

  const recordingsStarted = new Counter({ name: 'switchboard_recordings_started_total', help: 'Recordings started.', registers });
  const recordingsFailed = new Counter({ name: 'switchboard_recordings_failed_total', help: 'Recordings that failed to start or to complete, by reason code.', labelNames: ['reason'], registers });
  const calls = new Counter({ name: 'switchboard_calls_total', help: 'Calls that entered Switchboard, by direction.', labelNames: ['direction'], registers });
  const offers = new Counter({ name: 'switchboard_acd_offers_total', help: 'Offers of an interaction to an agent, by how they ended.', labelNames: ['result'], registers });
  for (const direction of keys(DIRECTIONS)) calls.inc({ direction }, 0);
  for (const result of keys(OFFER_RESULTS)) offers.inc({ result }, 0);

  return {
    contentType: registry.contentType,
    render: () => registry.metrics(),
    recordingStarted: () => recordingsStarted.inc(),
    recordingFailed: (reason) => recordingsFailed.inc({ reason }),
    callStarted: (direction) => calls.inc({ direction }),
    acdOffer: (result) => offers.inc({ result }),
  };
}
