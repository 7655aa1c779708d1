import { Type } from 'typebox';

export const ErrorSchema = Type.Object(
  {
    code: Type.String({ description: 'Stable machine-readable error code' }),
    message: Type.String(),
    details: Type.Optional(Type.Unknown()),
  },
  { $id: 'Error', description: 'The one error shape of every endpoint' },
);

export const errorResponses = {
  400: ErrorSchema,
  401: ErrorSchema,
  403: ErrorSchema,
};
