import { Type } from '@sinclair/typebox';
import { notFound } from '../../domain/errors.ts';
import { errorResponses } from '../../http/schemas.ts';
import type { App } from '../../http/types.ts';

/**
 * Picklist batches (Picqer's /picklists/batches) are not part of Stockroom. Without these routes
 * `/picklists/batches` would match `/picklists/{idpicklist}` and answer a 400 for a non-numeric id;
 * a client probing for the feature should get the 404 of an unknown resource.
 */
export async function picklistBatchesRoutes(api: App): Promise<void> {
  for (const url of ['/picklists/batches', '/picklists/batches/:idpicklist_batch'])
    api.get(
      url,
      {
        schema: {
          // Not a feature: left out of the OpenAPI document.
          hide: true,
          tags: ['picklists'],
          summary: 'Picklist batches: not supported (404)',
          description: 'Stockroom has no picklist batches; these paths answer 404 with error_code 20.',
          params: url.includes(':')
            ? Type.Object({ idpicklist_batch: Type.String({ maxLength: 100, description: 'A batch id' }) })
            : Type.Object({}),
          response: { ...errorResponses },
        },
      },
      async () => {
        throw notFound('Picklist batches', 'feature');
      },
    );
}
