import { Type } from 'typebox';

const Time = Type.String({ format: 'date-time' });
const NullableTime = Type.Union([Time, Type.Null()]);
const Outcome = Type.Union([Type.Literal('open'), Type.Literal('closed'), Type.Literal('holiday')]);

export const CalendarParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 128 }) });

export const HoursSchema = Type.Object({
  outcome: Outcome,
  source: Type.Union([Type.Literal('override'), Type.Literal('exception'), Type.Literal('holiday'), Type.Literal('weekly')], { description: 'What decided it' }),
  exception: Type.Optional(Type.String({ description: 'The exception (dated, or named by the override) that decided it' })),
  holiday: Type.Optional(Type.String({ description: "The holiday's name, or its date" })),
});

export const OverrideSchema = Type.Object({
  state: Type.String({ description: 'open, closed, holiday or the name of one of the calendar exceptions' }),
  until: Type.Union([Time, Type.Null()], { description: 'null: until cleared' }),
  reason: Type.Union([Type.String(), Type.Null()]),
  setBy: Type.Union([Type.String({ description: 'Name of the API key that set it' }), Type.Null()]),
  setAt: Time,
});

const calendarFields = {
  id: Type.String(),
  timezone: Type.String(),
  file: Type.String(),
  now: HoursSchema,
  nextChange: Type.Union([Time, Type.Null()], { description: 'When `now` next changes (within 14 days), the override included' }),
  override: Type.Union([OverrideSchema, Type.Null()], { description: 'The override in force, if any' }),
};

export const CalendarSummarySchema = Type.Object(calendarFields);

export const CalendarDetailSchema = Type.Object({
  ...calendarFields,
  states: Type.Array(Type.String(), { description: 'What an override of this calendar may set' }),
  weekly: Type.Record(Type.String(), Type.Array(Type.String()), { description: 'Open hours by day (mon..sun), HH:MM-HH:MM local' }),
  holidays: Type.Array(Type.Object({ date: Type.String(), name: Type.Optional(Type.String()) })),
  exceptions: Type.Array(
    Type.Object({
      name: Type.String(),
      outcome: Outcome,
      manual: Type.Boolean({ description: 'Only active while an override names it' }),
      date: Type.Optional(Type.String()),
      from: Type.Optional(Type.String()),
      to: Type.Optional(Type.String()),
      hours: Type.Optional(Type.Array(Type.String())),
    }),
  ),
});

export const OverrideBody = Type.Object(
  {
    state: Type.String({ minLength: 1, maxLength: 64, description: 'open, closed, holiday or the name of one of the calendar exceptions' }),
    until: Type.Optional(Type.String({ format: 'date-time', description: 'Must be in the future; absent: until cleared' })),
    reason: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);

export const OverrideLogQuery = Type.Object(
  { limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }) },
  { additionalProperties: false },
);

export const OverrideLogSchema = Type.Array(
  Type.Object({
    id: Type.Integer(),
    action: Type.Union([Type.Literal('set'), Type.Literal('cleared')]),
    state: Type.String({ description: "For 'set' the new state; for 'cleared' the state removed" }),
    until: NullableTime,
    reason: Type.Union([Type.String(), Type.Null()]),
    by: Type.Union([Type.String(), Type.Null()], { description: 'The API key name that set or cleared it' }),
    at: Time,
  }),
  { description: 'Newest first' },
);
