import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createTodayFeed } from '../../../src/services/queue-today-feed.js';
import type { TodayCounters } from '../../../src/services/stats-service.js';
import { emptySnapshot, FakeAcdControl } from '../support/fake-acd-control.js';
import { silentLogger } from '../support/helpers.js';

const counters = (queueId: string, offered: number): TodayCounters => ({ queueId, since: 0, offered, answered: 0, abandoned: 0, waiting: offered, answeredInSl: 0, serviceLevel: null, slSec: 20 });

describe("today's counters feed", () => {
  let control: FakeAcdControl;
  let offered: Record<string, number>;
  let asked: (string | null)[];
  let feed: ReturnType<typeof createTodayFeed>;
  let pushed: TodayCounters[];

  beforeEach(() => {
    vi.useFakeTimers();
    control = new FakeAcdControl(undefined as never, () => 0);
    control.queueSnapshots.set('support', emptySnapshot('support'));
    control.queueSnapshots.set('sales', emptySnapshot('sales'));
    offered = { support: 0, sales: 0 };
    asked = [];
    feed = createTodayFeed({
      control,
      today: (queueId) => {
        asked.push(queueId);
        return [counters(queueId!, offered[queueId!] ?? 0)];
      },
      logger: silentLogger(),
    });
    pushed = [];
    feed.subscribe((c) => pushed.push(c));
  });
  afterEach(() => {
    feed.stop();
    vi.useRealTimers();
  });

  const queueChanged = (queueId: string) => control.emit({ type: 'queue', at: 0, snapshot: emptySnapshot(queueId) });

  it('given a burst of changes on one queue, when a second passes, then its counters are computed and pushed once', () => {
    offered.support = 3;
    for (let i = 0; i < 50; i++) queueChanged('support');
    vi.advanceTimersByTime(1_000);
    expect(asked).toEqual(['support']);
    expect(pushed).toEqual([counters('support', 3)]);
  });

  it('given a change that leaves the counters as they were (an agent moved), when pushed, then nothing is sent again', () => {
    offered.support = 1;
    queueChanged('support');
    vi.advanceTimersByTime(1_000);
    queueChanged('support');
    vi.advanceTimersByTime(1_000);
    expect(pushed).toHaveLength(1);
  });

  it('given quiet queues, when a minute passes, then every queue is looked at again (a new day resets them)', () => {
    vi.advanceTimersByTime(61_000);
    expect(new Set(asked)).toEqual(new Set(['support', 'sales']));
  });

  it('given nobody listening, when queues change, then nothing is computed', () => {
    feed.stop();
    const quiet = createTodayFeed({ control, today: (q) => (asked.push(q), []), logger: silentLogger() });
    queueChanged('support');
    vi.advanceTimersByTime(5_000);
    expect(asked).toEqual([]);
    quiet.stop();
  });
});
