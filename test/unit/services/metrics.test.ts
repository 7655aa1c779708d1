import { register as globalRegistry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { AgentView, QueueSnapshot } from '../../../src/core/acd/acd-types.js';
import { createMetrics, type MetricsSources } from '../../../src/services/metrics.js';

type Agent = Pick<AgentView, 'status' | 'activity' | 'pauseReason'>;
type Queue = Pick<QueueSnapshot, 'queueId' | 'waiting' | 'longestWaitSec'>;

/** Sources the test sets by hand. */
function fakeSources() {
  const state = { active: 0, ari: true, queues: [] as Queue[], agents: [] as Agent[] };
  const sources: MetricsSources = {
    activeCalls: () => state.active,
    ariConnected: () => state.ari,
    queues: () => state.queues,
    agents: () => state.agents,
  };
  return { state, sources };
}

/** The sample lines of a text exposition: 'name{labels}' → value. */
function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}

describe('metrics', () => {
  it('given live state, when scraped, then calls, ARI, queues and agents are read at that moment', async () => {
    const { state, sources } = fakeSources();
    const metrics = createMetrics(sources, { defaultMetrics: false });
    state.active = 4;
    state.ari = false;
    state.queues = [{ queueId: 'sales', waiting: 3, longestWaitSec: 42 }, { queueId: 'support', waiting: 0, longestWaitSec: 0 }];
    state.agents = [
      { status: 'available', activity: 'idle', pauseReason: null },
      { status: 'available', activity: 'onCall', pauseReason: null },
      { status: 'available', activity: 'onCall', pauseReason: null },
      { status: 'paused', activity: 'idle', pauseReason: 'lunch' },
      { status: 'paused', activity: 'wrapUp', pauseReason: 'no-answer' },
    ];
    const s = samples(await metrics.render());
    expect(s.get('switchboard_calls_active')).toBe(4);
    expect(s.get('switchboard_ari_connected')).toBe(0);
    expect(s.get('switchboard_queue_waiting{queue="sales"}')).toBe(3);
    expect(s.get('switchboard_queue_longest_wait_seconds{queue="sales"}')).toBe(42);
    expect(s.get('switchboard_queue_waiting{queue="support"}')).toBe(0);
    expect(s.get('switchboard_agents{status="available",activity="onCall"}')).toBe(2);
    expect(s.get('switchboard_agents{status="available",activity="idle"}')).toBe(1);
    expect(s.get('switchboard_agents{status="paused",activity="wrapUp"}')).toBe(1);
    expect(s.get('switchboard_agents{status="loggedOut",activity="idle"}')).toBe(0);
    expect(s.get('switchboard_agents_paused{reason="lunch"}')).toBe(1);
    expect(s.get('switchboard_agents_paused{reason="no-answer"}')).toBe(1);
  });

  it('given a queue deleted and a pause ended, when scraped again, then their series are gone and agent combinations stay at 0', async () => {
    const { state, sources } = fakeSources();
    const metrics = createMetrics(sources, { defaultMetrics: false });
    state.queues = [{ queueId: 'sales', waiting: 1, longestWaitSec: 5 }];
    state.agents = [{ status: 'paused', activity: 'idle', pauseReason: 'lunch' }];
    await metrics.render();
    state.queues = [];
    state.agents = [{ status: 'available', activity: 'idle', pauseReason: null }];
    const s = samples(await metrics.render());
    expect([...s.keys()].some((k) => k.includes('queue="sales"'))).toBe(false);
    expect(s.has('switchboard_agents_paused{reason="lunch"}')).toBe(false);
    expect(s.get('switchboard_agents{status="paused",activity="idle"}')).toBe(0);
    expect([...s.keys()].filter((k) => k.startsWith('switchboard_agents{'))).toHaveLength(15);
  });

  it('given the services count events, when scraped, then the counters carry them, every known label at 0 from the start', async () => {
    const metrics = createMetrics(fakeSources().sources, { defaultMetrics: false });
    const before = samples(await metrics.render());
    expect(before.get('switchboard_calls_total{direction="inbound"}')).toBe(0);
    expect(before.get('switchboard_acd_offers_total{result="lostRace"}')).toBe(0);
    expect(before.get('switchboard_recordings_started_total')).toBe(0);

    metrics.callStarted('inbound');
    metrics.callStarted('inbound');
    metrics.callStarted('internal');
    metrics.acdOffer('answered');
    metrics.acdOffer('noAnswer');
    metrics.recordingStarted();
    metrics.recordingFailed('ari_error');
    const s = samples(await metrics.render());
    expect(s.get('switchboard_calls_total{direction="inbound"}')).toBe(2);
    expect(s.get('switchboard_calls_total{direction="internal"}')).toBe(1);
    expect(s.get('switchboard_acd_offers_total{result="answered"}')).toBe(1);
    expect(s.get('switchboard_acd_offers_total{result="noAnswer"}')).toBe(1);
    expect(s.get('switchboard_recordings_started_total')).toBe(1);
    expect(s.get('switchboard_recordings_failed_total{reason="ari_error"}')).toBe(1);
  });

  it('given two instances in one process, then each has its own registry and counts', async () => {
    const a = createMetrics(fakeSources().sources, { defaultMetrics: false });
    const b = createMetrics(fakeSources().sources, { defaultMetrics: false });
    a.recordingStarted();
    expect(samples(await a.render()).get('switchboard_recordings_started_total')).toBe(1);
    expect(samples(await b.render()).get('switchboard_recordings_started_total')).toBe(0);
    expect(globalRegistry.getMetricsAsArray().filter((m) => m.name.startsWith('switchboard_'))).toEqual([]);
  });

  it('given default metrics, then event-loop lag (p99, mean) and process metrics are exported in the 0.0.4 text format', async () => {
    const metrics = createMetrics(fakeSources().sources);
    await new Promise((resolve) => setTimeout(resolve, 50)); // the lag histogram is empty (NaN) until it has sampled
    const s = samples(await metrics.render());
    expect(metrics.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(s.get('nodejs_eventloop_lag_p99_seconds')).toBeGreaterThanOrEqual(0);
    expect(s.get('nodejs_eventloop_lag_mean_seconds')).toBeGreaterThanOrEqual(0);
    expect(s.get('process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(s.get('switchboard_ari_connected')).toBe(1);
  });
});
