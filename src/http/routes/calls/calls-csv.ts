import { csvLine, type CsvValue } from '../../../core/calls/csv.js';
import type { CallFilter, CallStore } from '../../../ports/call-store.js';
import { callLines, type CallLine } from './call-log.js';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const seconds = (ms: number | null) => (ms === null ? null : Math.round(ms / 1000));
// Queue, agent and tag ids never hold a semicolon in practice; a tag that does stays readable.
const list = (values: string[]) => values.join(';');

const COLUMNS: [string, (c: CallLine) => CsvValue][] = [
  ['id', (c) => c.id],
  ['started', (c) => iso(c.startedAt)],
  ['answered', (c) => iso(c.answeredAt)],
  ['ended', (c) => iso(c.endedAt)],
  ['direction', (c) => c.direction],
  ['caller', (c) => c.callerNumber],
  ['caller_name', (c) => c.callerName],
  ['dialed', (c) => c.dialed],
  ['flow', (c) => c.flowId],
  ['outcome', (c) => c.outcome],
  ['queues', (c) => list(c.queues)],
  ['agents', (c) => list(c.agents)],
  ['wait_s', (c) => seconds(c.waitMs)],
  ['talk_s', (c) => seconds(c.agentTalkMs)],
  ['duration_s', (c) => seconds(c.durationMs)],
  ['hangup_cause', (c) => c.hangupCause],
  ['recordings', (c) => c.recordings],
  ['tags', (c) => list(c.tags)],
];

const PAGE = 500;

/** The call log as CSV, one chunk per page of calls, so an export of any size holds one page in memory. */
export function* callsCsv(store: Pick<CallStore, 'pages' | 'journals'>, filter: CallFilter, now: number): Generator<string> {
  yield csvLine(COLUMNS.map(([name]) => name));
  for (const page of store.pages(filter, PAGE)) {
    yield callLines(store, page, now).map((c) => csvLine(COLUMNS.map(([, value]) => value(c)))).join('');
  }
}
