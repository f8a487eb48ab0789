import { Type } from '@sinclair/typebox';
import { errorResponses, idParams, OffsetQuery, PAGE_SIZE } from '../../http/schemas.ts';
import type { App } from '../../http/types.ts';
import type { Services } from '../../services.ts';
import {
  Customer,
  Location,
  LocationCreate,
  LocationQuery,
  LocationUpdate,
  Part,
  PartCreate,
  PartUpdate,
  PartyCreate,
  PartyQuery,
  CustomerQuery,
  PartyUpdate,
  Product,
  ProductCreate,
  ProductQuery,
  ProductUpdate,
  Supplier,
  Warehouse,
  WarehouseCreate,
  WarehouseUpdate,
} from './catalog.schemas.ts';

const Empty = Type.Object({});
const NoContent = Type.Null();

/** Warehouses, locations, products with their composition parts, customers and suppliers. */
export async function catalogRoutes(api: App, services: Services): Promise<void> {
  const { catalog } = services;
  const db = services.handle.db;

  // Warehouses

  api.get(
    '/warehouses',
    {
      schema: {
        tags: ['warehouses'],
        summary: 'List warehouses',
        querystring: OffsetQuery,
        response: { 200: Type.Array(Warehouse), ...errorResponses },
      },
    },
    async (request) => catalog.listWarehouses(db, request.idaccount, request.query.offset ?? 0, PAGE_SIZE),
  );

  api.get(
    '/warehouses/:idwarehouse',
    {
      schema: {
        tags: ['warehouses'],
        summary: 'Get a warehouse',
        params: idParams('idwarehouse'),
        response: { 200: Warehouse, ...errorResponses },
      },
    },
    async (request) => catalog.getWarehouse(db, request.idaccount, request.params.idwarehouse),
  );

  api.post(
    '/warehouses',
    {
      schema: {
        tags: ['warehouses'],
        summary: 'Create a warehouse (Stockroom extension: Picqer manages warehouses in its UI)',
        body: WarehouseCreate,
        response: { 201: Warehouse, ...errorResponses },
      },
    },
    async (request, reply) => {
      reply.status(201);
      return catalog.createWarehouse(request.idaccount, request.body);
    },
  );

  api.put(
    '/warehouses/:idwarehouse',
    {
      schema: {
        tags: ['warehouses'],
        summary: 'Update a warehouse (Stockroom extension)',
        params: idParams('idwarehouse'),
        body: WarehouseUpdate,
        response: { 200: Warehouse, ...errorResponses },
      },
    },
    async (request) => catalog.updateWarehouse(request.idaccount, request.params.idwarehouse, request.body),
  );

  // Locations

  api.get(
    '/locations',
    {
      schema: {
        tags: ['locations'],
        summary: 'List locations, optionally of one warehouse or with one exact name',
        querystring: LocationQuery,
        response: { 200: Type.Array(Location), ...errorResponses },
      },
    },
    async (request) => catalog.listLocations(db, request.idaccount, request.query, PAGE_SIZE),
  );

  api.get(
    '/locations/:idlocation',
    {
      schema: {
        tags: ['locations'],
        summary: 'Get a location',
        params: idParams('idlocation'),
        response: { 200: Location, ...errorResponses },
      },
    },
    async (request) => catalog.getLocation(db, request.idaccount, request.params.idlocation),
  );

  api.post(
    '/locations',
    {
      schema: {
        tags: ['locations'],
        summary: 'Create a location in a warehouse',
        body: LocationCreate,
        response: { 201: Location, ...errorResponses },
      },
    },
    async (request, reply) => {
      reply.status(201);
      return catalog.createLocation(request.idaccount, request.body);
    },
  );

  api.put(
    '/locations/:idlocation',
    {
      schema: {
        tags: ['locations'],
        summary: 'Update a location (it stays in its warehouse)',
        params: idParams('idlocation'),
        body: LocationUpdate,
        response: { 200: Location, ...errorResponses },
      },
    },
    async (request) => catalog.updateLocation(request.idaccount, request.params.idlocation, request.body),
  );

  api.delete(
    '/locations/:idlocation',
    {
      schema: {
        tags: ['locations'],
        summary: 'Delete a location that holds no stock and no picklist reservations',
        params: idParams('idlocation'),
        body: Empty,
        response: { 204: NoContent, ...errorResponses },
      },
    },
    async (request, reply) => {
      await catalog.deleteLocation(request.idaccount, request.params.idlocation);
      return reply.status(204).send(null);
    },
  );

  // Products

  api.get(
    '/products',
    {
      schema: {
        tags: ['products'],
        summary: 'List products (active ones; inactive=true lists inactive ones too)',
        querystring: ProductQuery,
        response: { 200: Type.Array(Product), ...errorResponses },
      },
    },
    async (request) => catalog.listProducts(db, request.idaccount, request.query, PAGE_SIZE),
  );

  api.get(
    '/products/:idproduct',
    {
      schema: {
        tags: ['products'],
        summary: 'Get a product with its stock per warehouse',
        params: idParams('idproduct'),
        response: { 200: Product, ...errorResponses },
      },
    },
    async (request) => catalog.getProduct(db, request.idaccount, request.params.idproduct),
  );

  api.post(
    '/products',
    {
      schema: {
        tags: ['products'],
        summary: 'Create a product (productcode unique per account)',
        body: ProductCreate,
        response: { 201: Product, ...errorResponses },
      },
    },
    async (request, reply) => {
      reply.status(201);
      return catalog.createProduct(request.idaccount, request.body);
    },
  );

  api.put(
    '/products/:idproduct',
    {
      schema: {
        tags: ['products'],
        summary: 'Update a product; its type changes only while it has no stock',
        params: idParams('idproduct'),
        body: ProductUpdate,
        response: { 200: Product, ...errorResponses },
      },
    },
    async (request) => catalog.updateProduct(request.idaccount, request.params.idproduct, request.body),
  );

  for (const [action, active] of [
    ['activate', true],
    ['inactivate', false],
  ] as const) {
    api.post(
      `/products/:idproduct/${action}`,
      {
        schema: {
          tags: ['products'],
          summary: `${active ? 'Activate' : 'Inactivate'} a product`,
          params: idParams('idproduct'),
          body: Empty,
          response: { 200: Product, ...errorResponses },
        },
      },
      async (request) => catalog.setProductActive(request.idaccount, request.params.idproduct, active),
    );
  }

  // Composition parts

  api.get(
    '/products/:idproduct/parts',
    {
      schema: {
        tags: ['products'],
        summary: 'List the parts of a composition',
        params: idParams('idproduct'),
        response: { 200: Type.Array(Part), ...errorResponses },
      },
    },
    async (request) => catalog.listParts(db, request.idaccount, request.params.idproduct),
  );

  api.get(
    '/products/:idproduct/parts/:idproduct_part',
    {
      schema: {
        tags: ['products'],
        summary: 'Get one part of a composition',
        params: idParams('idproduct', 'idproduct_part'),
        response: { 200: Part, ...errorResponses },
      },
    },
    async (request) =>
      catalog.getPart(db, request.idaccount, request.params.idproduct, request.params.idproduct_part),
  );

  api.post(
    '/products/:idproduct/parts',
    {
      schema: {
        tags: ['products'],
        summary: 'Add a part to a composition',
        params: idParams('idproduct'),
        body: PartCreate,
        response: { 201: Part, ...errorResponses },
      },
    },
    async (request, reply) => {
      reply.status(201);
      return catalog.addPart(request.idaccount, request.params.idproduct, request.body);
    },
  );

  api.put(
    '/products/:idproduct/parts/:idproduct_part',
    {
      schema: {
        tags: ['products'],
        summary: 'Change the amount of a part (the only thing of a part that changes)',
        params: idParams('idproduct', 'idproduct_part'),
        body: PartUpdate,
        response: { 200: Part, ...errorResponses },
      },
    },
    async (request) =>
      catalog.updatePart(
        request.idaccount,
        request.params.idproduct,
        request.params.idproduct_part,
        request.body.amount,
      ),
  );

  api.delete(
    '/products/:idproduct/parts/:idproduct_part',
    {
      schema: {
        tags: ['products'],
        summary: 'Remove a part from a composition',
        params: idParams('idproduct', 'idproduct_part'),
        body: Empty,
        response: { 204: NoContent, ...errorResponses },
      },
    },
    async (request, reply) => {
      await catalog.deletePart(request.idaccount, request.params.idproduct, request.params.idproduct_part);
      return reply.status(204).send(null);
    },
  );

  // Customers and suppliers

  const parties = [
    {
      path: 'customers',
      id: 'idcustomer' as const,
      what: 'customer',
      schema: Customer,
      query: CustomerQuery,
      list: catalog.listCustomers,
      get: catalog.getCustomer,
      create: catalog.createCustomer,
      update: catalog.updateCustomer,
    },
    {
      path: 'suppliers',
      id: 'idsupplier' as const,
      what: 'supplier',
      schema: Supplier,
      query: PartyQuery,
      list: catalog.listSuppliers,
      get: catalog.getSupplier,
      create: catalog.createSupplier,
      update: catalog.updateSupplier,
    },
  ];
  for (const p of parties) {
    const params = idParams(p.id);
    api.get(
      `/${p.path}`,
      {
        schema: {
          tags: [p.path],
          summary: `List ${p.path} (search matches the name)`,
          querystring: p.query,
          response: { 200: Type.Array(p.schema), ...errorResponses },
        },
      },
      async (request) => p.list(db, request.idaccount, request.query, PAGE_SIZE),
    );
    api.get(
      `/${p.path}/:${p.id}`,
      {
        schema: {
          tags: [p.path],
          summary: `Get a ${p.what}`,
          params,
          response: { 200: p.schema, ...errorResponses },
        },
      },
      async (request) => p.get(db, request.idaccount, request.params[p.id]),
    );
    api.post(
      `/${p.path}`,
      {
        schema: {
          tags: [p.path],
          summary: `Create a ${p.what}`,
          body: PartyCreate,
          response: { 201: p.schema, ...errorResponses },
        },
      },
      async (request, reply) => {
        reply.status(201);
        return p.create(request.idaccount, request.body);
      },
    );
    api.put(
      `/${p.path}/:${p.id}`,
      {
        schema: {
          tags: [p.path],
          summary: `Update a ${p.what}`,
          params,
          body: PartyUpdate,
          response: { 200: p.schema, ...errorResponses },
        },
      },
      async (request) => p.update(request.idaccount, request.params[p.id], request.body),
    );
  }
}
