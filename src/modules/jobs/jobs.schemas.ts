import { Type } from '@sinclair/typebox';
import { Nullable } from '../../http/schemas.ts';

export const Job = Type.Object({
  idjob: Type.Integer(),
  kind: Type.String({ description: 'backorders.process, import.products or import.stock' }),
  status: Type.Union([
    Type.Literal('queued'),
    Type.Literal('running'),
    Type.Literal('done'),
    Type.Literal('failed'),
  ]),
  progress: Type.Object({
    done: Type.Integer(),
    total: Nullable(Type.Integer()),
    percent: Nullable(Type.Integer()),
  }),
  result: Type.Unknown({ description: 'What the synchronous request would have answered, once done' }),
  error: Nullable(Type.String()),
  created: Type.String(),
  started: Nullable(Type.String()),
  finished: Nullable(Type.String()),
});

/** ?async=true runs the request as a job: 202 with the job, GET /jobs/{id} for progress and result. */
export const AsyncQuery = Type.Object({ async: Type.Optional(Type.Boolean()) });
