import { errorResponses, idParams } from '../../http/schemas.ts';
import type { App } from '../../http/types.ts';
import type { Services } from '../../services.ts';
import { Job } from './jobs.schemas.ts';

/** GET /jobs/{id}: progress and result of long work started with ?async=true. */
export async function jobsRoutes(api: App, services: Services): Promise<void> {
  const { jobs } = services;
  api.get(
    '/jobs/:idjob',
    {
      schema: {
        tags: ['jobs'],
        summary: 'Progress and, once done, the result of a job started with ?async=true',
        params: idParams('idjob'),
        response: { 200: Job, ...errorResponses },
      },
    },
    async (request) => jobs.get(services.handle.db, request.idaccount, request.params.idjob),
  );
}
