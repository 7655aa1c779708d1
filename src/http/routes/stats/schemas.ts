import { Type, type TProperties } from 'typebox';
import { MAX_RANGE_DAYS } from '../../../core/stats/stats-query.js';

const Time = Type.String({ format: 'date-time' });
const Sec = (description: string) => Type.Union([Type.Number(), Type.Null()], { description });
const Ratio = (description: string) => Type.Union([Type.Number({ minimum: 0, maximum: 1 }), Type.Null()], { description });
const Count = (description: string) => Type.Integer({ minimum: 0, description });

export const StatsQuerySchema = Type.Object({
  from: Type.String({ format: 'date-time', description: 'Start of the range (included)' }),
  to: Type.String({ format: 'date-time', description: `End of the range (excluded); at most ${MAX_RANGE_DAYS} days after from` }),
  interval: Type.Union([Type.Literal('15m'), Type.Literal('30m'), Type.Literal('60m'), Type.Literal('day')], {
    default: '60m',
    description: 'Interval size; cut on the wall clock of tz',
  }),
  tz: Type.String({ default: 'UTC', minLength: 1, maxLength: 64, description: 'IANA time zone the intervals are cut in (Europe/Paris)' }),
  slSec: Type.Optional(Type.Integer({ minimum: 0, maximum: 86_400, description: 'Service-level threshold T; default: each queue’s serviceLevelSec' })),
  shortAbandonSec: Type.Integer({ minimum: 0, maximum: 3600, default: 5, description: 'Abandons with a wait under this are short abandons' }),
  slVariant: Type.Union([Type.Literal('answered'), Type.Literal('offered'), Type.Literal('abandonedAsGood'), Type.Literal('shortAbandonsExcluded')], {
    default: 'answered',
    description: 'answered: A(≤T)/A; offered: A(≤T)/offered; abandonedAsGood: (A(≤T)+Ab(≤T))/(A+Ab); shortAbandonsExcluded: A(≤T)/(A+Ab−short)',
  }),
});

const QueueMetricsFields = {
  offered: Count('Visits that entered the queue in the interval (overflows and transfers in included)'),
  waiting: Count('Offered, still waiting or talking with no outcome yet; in no rate’s denominator'),
  answered: Count('Answered by an agent'),
  answeredInSl: Count('Answered with a wait of at most T'),
  abandoned: Count('The caller hung up while waiting or ringing'),
  shortAbandons: Count('Abandoned with a wait under shortAbandonSec'),
  callbacksRequested: Count('Left the line for a callback (not abandons)'),
  callbacksConnected: Count('Callback attempts that reached the customer'),
  callbacksFailed: Count('Callbacks given up after the last attempt'),
  options: Count('Left by an option key'),
  timeouts: Count('Maximum wait reached with no overflow'),
  full: Count('Turned away: the queue was full and had no overflow'),
  noAgents: Count('Turned away or sent out: nobody eligible staffed'),
  overflowsOut: Count('Moved on to another queue (max wait, full or a step)'),
  overflowsIn: Count('Arrived by overflow from another queue'),
  transfersIn: Count('Arrived by a blind transfer'),
  transfersOut: Count('Answered here, then blind-transferred'),
  rona: Count('Offers the agents missed (ring no answer, busy, declined)'),
  serviceLevel: Ratio('By slVariant'),
  abandonRate: Ratio('abandoned / (offered − waiting)'),
  abandonRateExcludingShort: Ratio('(abandoned − short) / (offered − waiting − short)'),
  asaSec: Sec('Mean wait of answered visits (arithmetic)'),
  avgAbandonSec: Sec('Mean wait of abandoned visits'),
  maxWaitSec: Sec('Longest wait that ended in the interval’s visits'),
  handled: Count('Answered visits whose talk and wrap-up are over'),
  ahtSec: Sec('(talk + hold + wrap-up) / handled; hold is 0 until the ACD has hold'),
  avgTalkSec: Sec('talk / handled'),
  avgWrapUpSec: Sec('wrap-up / handled'),
  ewtError: Type.Object(
    { samples: Count('Answered visits with an estimate'), maeSec: Sec('Mean absolute error'), p90Sec: Sec('90th percentile (nearest rank) of the absolute error') },
    { description: 'Announced EWT against the real wait, answered visits only' },
  ),
};

const AgentMetricsFields = {
  loggedInSec: Type.Number({ description: 'Logged in (available or paused)' }),
  availableSec: Type.Number({ description: 'Available and idle (not talking, not wrapping up)' }),
  handlingSec: Type.Number({ description: 'Talking or wrapping up, overlapping interactions counted once' }),
  talkSec: Type.Number({ description: 'Talk, summed per interaction' }),
  wrapUpSec: Type.Number({ description: 'Wrap-up, summed per interaction' }),
  pausedSec: Type.Number({ description: 'Paused and idle' }),
  pauseByReasonSec: Type.Record(Type.String(), Type.Number(), { description: 'Paused and idle, by pause reason' }),
  productivePauseSec: Type.Number({ description: 'Paused and idle with a productive reason' }),
  handled: Count('Interactions answered in the interval'),
  rona: Count('Offers missed'),
  occupancy: Ratio('(handling + productive pause) / (handling + productive pause + available)'),
};

const withIntervals = <T extends TProperties>(fields: T) =>
  ({ summary: Type.Object(fields), intervals: Type.Array(Type.Object({ start: Time, end: Time, ...fields })) });

const Echo = {
  from: Time,
  to: Time,
  interval: Type.String(),
  tz: Type.String(),
};

export const QueueStatsSchema = Type.Object({
  queueId: Type.String(),
  slSec: Type.Number({ description: 'The threshold T used' }),
  shortAbandonSec: Type.Number(),
  slVariant: Type.String(),
  ...Echo,
  ...withIntervals(QueueMetricsFields),
});

export const AllQueueStatsSchema = Type.Object({
  ...Echo,
  shortAbandonSec: Type.Number(),
  slVariant: Type.String(),
  queues: Type.Array(QueueStatsSchema),
  total: Type.Object(withIntervals(QueueMetricsFields), { description: 'All queues; each contact counted once, where it ended (overflow-out visits left out)' }),
});

export const AgentStatsSchema = Type.Object({ agentId: Type.String(), ...Echo, ...withIntervals(AgentMetricsFields) });

export const AllAgentStatsSchema = Type.Object({
  ...Echo,
  agents: Type.Array(AgentStatsSchema),
  total: Type.Object(withIntervals(AgentMetricsFields), { description: 'Every agent’s time summed; occupancy over the sums' }),
});

export const StatsIdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });

const Nullable = (t: ReturnType<typeof Type.String>) => Type.Union([t, Type.Null()]);

export const TimelineQuerySchema = Type.Object(
  { from: Time, to: Type.String({ format: 'date-time', description: 'At most 7 days after from' }) },
  { additionalProperties: false },
);

export const TimelineSchema = Type.Object({
  agentId: Type.String(),
  from: Time,
  to: Time,
  entries: Type.Array(
    Type.Object({
      kind: Type.String({ description: 'status (available or paused with a reason; logged out is the gaps), conversation, missed' }),
      start: Time,
      end: Type.Optional(Nullable(Time)),
      status: Type.Optional(Type.String()),
      reason: Type.Optional(Nullable(Type.String())),
      productive: Type.Optional(Type.Boolean()),
      wrapUpEnd: Type.Optional(Nullable(Time)),
      interactionId: Type.Optional(Nullable(Type.String())),
      callId: Type.Optional(Nullable(Type.String())),
      queueId: Type.Optional(Nullable(Type.String())),
      channel: Type.Optional(Type.String()),
      transferredOut: Type.Optional(Type.Boolean()),
    }),
    { description: 'In start order; entries overlap (a conversation inside an available span)' },
  ),
});
