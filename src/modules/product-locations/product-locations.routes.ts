import { Type } from '@sinclair/typebox';
import { errorResponses, idParams, OffsetQuery, PAGE_SIZE } from '../../http/schemas.ts';
import type { App } from '../../http/types.ts';
import type { Services } from '../../services.ts';
import { LinkBody, LocationProduct, ProductLocation } from './product-locations.schemas.ts';
import { createProductLocationsService } from './product-locations.service.ts';

/** Product locations: list, link, unlink (reference/picqer-api.md 3). */
export async function productLocationsRoutes(api: App, services: Services): Promise<void> {
  const links = createProductLocationsService(services);
  const db = services.handle.db;

  api.get(
    '/products/:idproduct/locations',
    {
      schema: {
        tags: ['products'],
        summary: "List a product's locations with its stock on each",
        description:
          'The locations the product is linked to, with or without stock, ordered by idlocation. Booking stock on a location (stock change, move, receipt) links it.',
        params: idParams('idproduct'),
        response: { 200: Type.Array(ProductLocation), ...errorResponses },
      },
    },
    async (request) => links.listOfProduct(db, request.idaccount, request.params.idproduct),
  );

  api.post(
    '/products/:idproduct/locations',
    {
      schema: {
        tags: ['products'],
        summary: 'Link a product to a location',
        description: 'Links the product to the location (of any warehouse); linking again changes nothing.',
        params: idParams('idproduct'),
        body: LinkBody,
        response: { 201: ProductLocation, ...errorResponses },
      },
    },
    async (request, reply) => {
      reply.status(201);
      return links.link(request.idaccount, request.params.idproduct, request.body.idlocation);
    },
  );

  api.delete(
    '/products/:idproduct/locations/:idlocation',
    {
      schema: {
        tags: ['products'],
        summary: 'Unlink a product from a location',
        description:
          'Refused (400, error_code 21) while the product has stock or picklist reservations on the location.',
        params: idParams('idproduct', 'idlocation'),
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      await links.unlink(request.idaccount, request.params.idproduct, request.params.idlocation);
      return reply.status(204).send(null);
    },
  );

  api.get(
    '/locations/:idlocation/products',
    {
      schema: {
        tags: ['locations'],
        summary: 'List the products linked to a location with their stock there',
        params: idParams('idlocation'),
        querystring: OffsetQuery,
        response: { 200: Type.Array(LocationProduct), ...errorResponses },
      },
    },
    async (request) =>
      links.listOfLocation(
        db,
        request.idaccount,
        request.params.idlocation,
        request.query.offset ?? 0,
        PAGE_SIZE,
      ),
  );
}
