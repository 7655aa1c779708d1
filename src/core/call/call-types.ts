import type { Flow } from '../ivr/flow-types.js';

// Events the call machine consumes. Every event carries its time: the core never reads a clock.
export type CallEvent =
  | { type: 'started'; at: number; flow: Flow }
  | { type: 'adopted'; at: number; flow: Flow; nodeId: string | null; lastPlaybackId: string | null; answered: boolean }
  | { type: 'answered'; at: number }
  | { type: 'playbackFinished'; at: number; playbackId: string; failed: boolean }
  | { type: 'dtmf'; at: number; digit: string }
  | { type: 'timer'; at: number; timerId: string }
  | { type: 'hangupRequested'; at: number; cause: number | null }
  | { type: 'left'; at: number }
  | { type: 'effectFailed'; at: number; effect: CallEffect['type']; code: string; message: string };

// Effects are data: the shell (services/call-runtime) performs them through the telephony port.
export type CallEffect =
  | { type: 'answer' }
  | { type: 'play'; playbackId: string; media: string[] }
  | { type: 'stopPlayback'; playbackId: string }
  | { type: 'startTimer'; timerId: string; ms: number }
  | { type: 'cancelTimer'; timerId: string }
  | { type: 'hangup'; reason: 'normal' | 'busy' | 'congestion' | 'no_answer' }
  | { type: 'continueToFallback'; reason: string }
  | { type: 'journal'; event: string; data?: Record<string, unknown> };

export type EndReason = 'caller_hangup' | 'flow_hangup' | 'fallback' | 'error' | 'lost';

export type CallPhase = 'answering' | 'running' | 'ending' | 'ended';

export interface CallState {
  callId: string;
  phase: CallPhase;
  flow: Flow | null;
  nodeId: string | null;
  /** The playback or timer the current node waits for. */
  waitingFor: { kind: 'playback' | 'timer'; id: string } | null;
  /** Counter for deterministic ids of playbacks and timers (callId-based). */
  seq: number;
  endReason: EndReason | null;
}

export interface Step {
  state: CallState;
  effects: CallEffect[];
}
