import { Type } from 'typebox';

// Bounds keep one request cheap (the search is O(agents)) and reject inputs no contact centre has.
export const ErlangCQuery = Type.Object({
  callsPerInterval: Type.Number({ minimum: 0, maximum: 1_000_000, description: 'Calls offered in the interval' }),
  intervalSec: Type.Number({ minimum: 60, maximum: 86_400, description: 'Interval length, e.g. 1800 for half-hour planning' }),
  ahtSec: Type.Number({ exclusiveMinimum: 0, maximum: 86_400, description: 'Average handle time: talk + hold + wrap-up' }),
  slSec: Type.Number({ minimum: 0, maximum: 3600, description: 'Service-level threshold T: answered within T seconds' }),
  agents: Type.Optional(Type.Integer({ minimum: 1, maximum: 200_000, description: 'Evaluate this staffing (exclusive with targetSl)' })),
  targetSl: Type.Optional(Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 1, description: 'Find the fewest agents answering this share within slSec' })),
  targetAsaSec: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 86_400, description: 'With targetSl: the average speed of answer must also be at most this' })),
  maxOccupancy: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1, description: 'With targetSl: traffic / agents must also be at most this' })),
});

const RowSchema = Type.Object({
  agents: Type.Integer(),
  stable: Type.Boolean({ description: 'False when agents <= traffic: the queue grows without bound' }),
  pWait: Type.Number({ description: 'Share of callers who wait at all (1 when unstable)' }),
  serviceLevel: Type.Number({ description: 'Share answered within slSec' }),
  asaSec: Type.Union([Type.Number(), Type.Null()], { description: 'Average speed of answer over all calls; null when unstable (unbounded)' }),
  occupancy: Type.Number({ description: 'traffic / agents, at most 1' }),
  immediateAnswer: Type.Number({ description: '1 - pWait' }),
});

export const ErlangCResultSchema = Type.Object({
  trafficErlangs: Type.Number({ description: 'A = calls / interval × AHT' }),
  agents: Type.Union([Type.Integer(), Type.Null()], { description: 'The agents given, or the fewest meeting the target; null when none does' }),
  row: Type.Union([RowSchema, Type.Null()]),
  table: Type.Array(RowSchema, { description: 'A few agents either side of `agents`' }),
});
