import { describe, expect, it } from 'vitest';
import { newRateLimiter, takeToken, type RateLimiterState, type RateVerdict } from '../../../../src/core/chat/chat-rate-limiter.js';

const config = { rateBurst: 3, ratePerSec: 2, rateStrikes: 3 };

/** Frames at the given ms offsets; the verdict of each. */
function verdicts(offsets: number[]): RateVerdict[] {
  let state: RateLimiterState = newRateLimiter(config, 0);
  return offsets.map((t) => {
    const r = takeToken(state, config, t);
    state = r.state;
    return r.verdict;
  });
}

describe('per-socket rate limit (token bucket)', () => {
  it.each<[string, number[], RateVerdict[]]>([
    ['a burst of 3 at once', [0, 0, 0], ['allow', 'allow', 'allow']],
    ['a 4th frame at once', [0, 0, 0, 0], ['allow', 'allow', 'allow', 'reject']],
    ['a 4th frame 500 ms later (one token refilled)', [0, 0, 0, 500], ['allow', 'allow', 'allow', 'allow']],
    ['a flood: 3 rejections in a row close', [0, 0, 0, 1, 2, 3], ['allow', 'allow', 'allow', 'reject', 'reject', 'close']],
    ['rejections interrupted by an allowed frame start over', [0, 0, 0, 1, 2, 500, 501, 502], ['allow', 'allow', 'allow', 'reject', 'reject', 'allow', 'reject', 'reject']],
    ['a long pause refills no more than the burst', [0, 0, 0, 60_000, 60_000, 60_000, 60_000], ['allow', 'allow', 'allow', 'allow', 'allow', 'allow', 'reject']],
  ])('given %s, then the verdicts are as listed', (_, offsets, expected) => {
    expect(verdicts(offsets)).toEqual(expected);
  });
});
