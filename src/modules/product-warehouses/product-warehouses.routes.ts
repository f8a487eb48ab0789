import { Type } from '@sinclair/typebox';
import { errorResponses, idParams } from '../../http/schemas.ts';
import type { App } from '../../http/types.ts';
import type { Services } from '../../services.ts';
import { ProductWarehouse, ProductWarehouseUpdate } from './product-warehouses.schemas.ts';
import { createProductWarehousesService } from './product-warehouses.service.ts';

/** GET /products/{id}/warehouses, PUT /products/{id}/warehouses/{idwarehouse} (reference 4.4). */
export async function productWarehousesRoutes(api: App, services: Services): Promise<void> {
  const settings = createProductWarehousesService(services);
  const db = services.handle.db;

  api.get(
    '/products/:idproduct/warehouses',
    {
      schema: {
        tags: ['products'],
        summary: "List a product's settings per warehouse (stock levels for purchase advice)",
        params: idParams('idproduct'),
        response: { 200: Type.Array(ProductWarehouse), ...errorResponses },
      },
    },
    async (request) => settings.list(db, request.idaccount, request.params.idproduct),
  );

  api.put(
    '/products/:idproduct/warehouses/:idwarehouse',
    {
      schema: {
        tags: ['products'],
        summary: "Update a product's settings for one warehouse",
        description: 'Only the fields given change; the others keep their value (0 or null until set).',
        params: idParams('idproduct', 'idwarehouse'),
        body: ProductWarehouseUpdate,
        response: { 200: ProductWarehouse, ...errorResponses },
      },
    },
    async (request) =>
      settings.update(request.idaccount, request.params.idproduct, request.params.idwarehouse, request.body),
  );
}
