// A token bucket per socket, pure: the caller passes the time. Every client frame costs one token
// (typing and pings included: each one costs the server a parse and maybe a broadcast).

export interface RateLimiterState {
  tokens: number;
  updatedAt: number;
  /** Rejections in a row; an allowed frame resets it. */
  strikes: number;
}

export interface RateLimitConfig {
  rateBurst: number;
  ratePerSec: number;
  rateStrikes: number;
}

/** allow: process the frame; reject: answer rate_limited; close: the client keeps flooding, drop it (1008). */
export type RateVerdict = 'allow' | 'reject' | 'close';

export function newRateLimiter(config: RateLimitConfig, now: number): RateLimiterState {
  return { tokens: config.rateBurst, updatedAt: now, strikes: 0 };
}

export function takeToken(state: RateLimiterState, config: RateLimitConfig, now: number): { state: RateLimiterState; verdict: RateVerdict } {
  const elapsedSec = Math.max(0, now - state.updatedAt) / 1000;
  const tokens = Math.min(config.rateBurst, state.tokens + elapsedSec * config.ratePerSec);
  if (tokens >= 1) return { state: { tokens: tokens - 1, updatedAt: now, strikes: 0 }, verdict: 'allow' };
  // Consecutive rejections: a client that is merely a little too fast gets errors and keeps its
  // socket (its excess is dropped anyway); one that ignores the errors and floods is closed.
  const strikes = state.strikes + 1;
  return { state: { tokens, updatedAt: now, strikes }, verdict: strikes >= config.rateStrikes ? 'close' : 'reject' };
}
