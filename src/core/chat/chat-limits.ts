// One place for the protocol's limits, so the gateway, the docs and the tests agree.

export interface ChatLimits {
  /** Largest client frame in bytes (UTF-8 JSON). A larger one closes the socket with 1009. */
  maxFrameBytes: number;
  /** Longest message body in Unicode code points, after control characters are stripped. */
  maxBodyChars: number;
  /** Longest clientMsgId. */
  maxClientMsgIdChars: number;
  /** Token bucket per socket: burst size and refill rate, counting every client frame. */
  rateBurst: number;
  ratePerSec: number;
  /** Consecutive rate-limited frames after which the socket is closed with 1008. */
  rateStrikes: number;
}

export const DEFAULT_CHAT_LIMITS: ChatLimits = {
  maxFrameBytes: 32 * 1024,
  maxBodyChars: 4000,
  maxClientMsgIdChars: 64,
  rateBurst: 20,
  ratePerSec: 5,
  rateStrikes: 5,
};
