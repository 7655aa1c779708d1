import type { EndReason } from '../core/call/call-types.js';

export interface NewCall {
  id: string;
  channelId: string;
  direction: 'inbound' | 'internal';
  callerNumber: string;
  callerName: string;
  dialed: string;
  flowId: string | null;
  startedAt: number;
}

export interface CallRecord extends NewCall {
  status: 'active' | 'ended';
  answeredAt: number | null;
  endedAt: number | null;
  durationMs: number | null;
  talkMs: number | null;
  hangupCause: number | null;
  hangupCauseText: string | null;
  endReason: EndReason | null;
}

export interface CallEventRecord {
  seq: number;
  callId: string;
  at: number;
  type: string;
  data: Record<string, unknown>;
}

export interface CallQuery {
  from?: number;
  to?: number;
  number?: string;
  status?: 'active' | 'ended';
  limit: number;
  offset: number;
}

export interface CallStore {
  /** Creates the call row and journals call.started, in one transaction. */
  startCall(call: NewCall): void;
  /** Appends to the journal and updates the call row's projection of it, in one transaction. */
  append(callId: string, at: number, type: string, data?: Record<string, unknown>): void;
  get(id: string): CallRecord | undefined;
  findActiveByChannel(channelId: string): CallRecord | undefined;
  active(): CallRecord[];
  events(callId: string): CallEventRecord[];
  list(query: CallQuery): { total: number; items: CallRecord[] };
}
