import type { CalendarOverride } from '../calendar/calendar-types.js';
import type { Flow, FlowLibrary, HangupReason } from '../ivr/flow-types.js';
import type { IvrState } from '../ivr/ivr-state.js';

export interface CallInfo {
  callerNumber: string;
  callerName: string;
  dialed: string;
  direction: 'inbound' | 'internal';
}

/** Starting values a simulation may give (vars, locale); real calls start from the flow's defaults. */
export interface FlowPreset {
  vars?: Record<string, unknown>;
  locale?: string;
}

export type HttpOutcome =
  | { kind: 'ok'; status: number; body: unknown; headers: Record<string, string> }
  | { kind: 'error'; status: number | null; message: string; body?: unknown }
  | { kind: 'timeout' };

export type QueueOutcome = 'answered' | 'timeout' | 'full' | 'noAgents' | 'error' | `option:${string}`;

// Events the call machine consumes. Every event carries its time: the core never reads a clock.
export type CallEvent =
  | { type: 'started'; at: number; flow: Flow; library: FlowLibrary; call: CallInfo; preset?: FlowPreset }
  | {
      type: 'adopted';
      at: number;
      flow: Flow;
      library: FlowLibrary;
      call: CallInfo;
      nodeId: string | null;
      lastPlaybackId: string | null;
      answered: boolean;
    }
  | { type: 'answered'; at: number }
  | { type: 'playbackFinished'; at: number; playbackId: string; failed: boolean }
  | { type: 'dtmf'; at: number; digit: string }
  | { type: 'timer'; at: number; timerId: string }
  | { type: 'httpResult'; at: number; requestId: string; result: HttpOutcome }
  | { type: 'recordingFinished'; at: number; name: string; durationSec: number | null; talkingSec: number | null; failed: boolean }
  | { type: 'legAnswered'; at: number; legId: string }
  | { type: 'legEnded'; at: number; legId: string; cause: number }
  | { type: 'queueResult'; at: number; requestId: string; outcome: QueueOutcome; data?: Record<string, unknown> }
  /** An agent answered: the wait treatment must stop before caller and agent are bridged. */
  | { type: 'queueConnect'; at: number; requestId: string; agentId: string }
  /** The agent transferred the caller on (another queue, or a number that is ringing): waiting starts again. */
  | { type: 'queueRequeued'; at: number; requestId: string; queue: string }
  | { type: 'effectDone'; at: number; effectId: string }
  | { type: 'hangupRequested'; at: number; cause: number | null }
  | { type: 'left'; at: number }
  | { type: 'effectFailed'; at: number; effect: CallEffect['type']; code: string; message: string; effectId?: string };

/** Runtime facts a step may read that are not events: the shell passes them with every event. */
export interface StepContext {
  calendarOverrides: ReadonlyMap<string, CalendarOverride>;
  /** The ACD's view for queue nodes; absent when no ACD runs (simulations). */
  queues?: QueueContext;
}

/** A queue's wait treatment defaults (the flow's queue node may override them). */
export interface QueueHold {
  moh: string;
  announceEverySec: number | null;
  announcePosition: boolean;
  announceWait: boolean;
}

export interface QueueContext {
  hold(queueId: string): QueueHold | null;
  /** Where a waiting caller stands now (null once offered or gone). */
  status(requestId: string): { position: number | null; ewtSec: number | null } | null;
  /** Whether this caller can be called back (a number we can dial, a queue that takes callbacks). */
  callbackAllowed(requestId: string): boolean;
}

export interface HttpRequestSpec {
  method: string;
  /** May still contain ${env:NAME} references: the shell resolves secrets, the core never sees them. */
  url: string;
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
}

// Effects are data: the shell (services/call-runtime) performs them through the ports.
export type CallEffect =
  | { type: 'answer' }
  /** The call's locale in Asterisk terms (fr-CA → fr): sound files and say-as follow it. */
  | { type: 'setLanguage'; language: string }
  | { type: 'play'; playbackId: string; media: string[]; prompts: string[] }
  | { type: 'stopPlayback'; playbackId: string }
  | { type: 'startTimer'; timerId: string; ms: number }
  | { type: 'cancelTimer'; timerId: string }
  | { type: 'hangup'; reason: HangupReason }
  | { type: 'continueToFallback'; reason: string }
  | { type: 'httpRequest'; requestId: string; nodeId: string; request: HttpRequestSpec }
  | { type: 'record'; name: string; maxDurationSec: number; maxSilenceSec: number; beep: boolean; terminateOn: 'none' | 'any' | '#' | '*' }
  | { type: 'stopRecording'; name: string }
  | { type: 'sendDtmf'; effectId: string; digits: string; betweenMs: number }
  | { type: 'dial'; legId: string; endpoint: string; callerId?: string; timeoutSec: number }
  | { type: 'hangupLeg'; legId: string }
  | { type: 'bridge'; bridgeId: string; legId: string }
  | { type: 'destroyBridge'; bridgeId: string }
  | { type: 'enqueue'; requestId: string; queue: string; skills: string[]; priority: number; maxWaitMs: number | null; options: string[]; recording?: 'all' | 'onDemand' | 'never' }
  /** callerGone: the caller hung up (an abandon); otherwise the flow moved on (an option key, a limit). */
  | { type: 'leaveQueue'; requestId: string; callerGone: boolean }
  /** The caller asked to be called back: the ACD keeps their place in line as a callback. */
  | { type: 'queueCallback'; requestId: string }
  | { type: 'startMoh'; mohClass: string }
  | { type: 'stopMoh' }
  /** Recording must pause while a masked collect runs (PCI); the recording feature acts on it. */
  | { type: 'mask'; on: boolean; nodeId: string }
  | { type: 'journal'; event: string; data?: Record<string, unknown> };

export type EndReason = 'caller_hangup' | 'flow_hangup' | 'fallback' | 'error' | 'lost';

export type CallPhase = 'answering' | 'running' | 'ending' | 'ended';

export interface CallState {
  callId: string;
  phase: CallPhase;
  flow: Flow | null;
  nodeId: string | null;
  /** Counter for deterministic ids of playbacks and timers (callId-based). */
  seq: number;
  endReason: EndReason | null;
  /** What the flow starts with once the call is answered. */
  boot: { library: FlowLibrary; call: CallInfo; preset?: FlowPreset } | null;
  ivr: IvrState | null;
}

export interface Step {
  state: CallState;
  effects: CallEffect[];
}
