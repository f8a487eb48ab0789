import { Type } from '@sinclair/typebox';
import { errorResponses, idParams, OffsetQuery, PAGE_SIZE } from '../../http/schemas.ts';
import type { App } from '../../http/types.ts';
import type { Services } from '../../services.ts';
import {
  StockChange,
  StockEntry,
  StockHistoryEntry,
  StockHistoryQuery,
  StockMove,
  WarehouseProductStock,
  WarehouseStockDetail,
} from './stock.schemas.ts';

/** Product stock per warehouse and location, stock changes and moves, the stock history. */
export async function stockRoutes(api: App, services: Services): Promise<void> {
  const { stock, catalog } = services;
  const db = services.handle.db;

  api.get(
    '/products/:idproduct/stock',
    {
      schema: {
        tags: ['stock'],
        summary: 'Stock of a product: one entry per warehouse of the account',
        params: idParams('idproduct'),
        response: { 200: Type.Array(StockEntry), ...errorResponses },
      },
    },
    async (request) => {
      await catalog.requireProduct(db, request.idaccount, request.params.idproduct);
      return stock.productStock(db, request.idaccount, request.params.idproduct);
    },
  );

  api.get(
    '/products/:idproduct/stock/:idwarehouse',
    {
      schema: {
        tags: ['stock'],
        summary: 'Stock of a product in one warehouse, with its stock per location',
        params: idParams('idproduct', 'idwarehouse'),
        response: { 200: WarehouseStockDetail, ...errorResponses },
      },
    },
    async (request) =>
      stock.readWarehouseDetail(request.idaccount, request.params.idproduct, request.params.idwarehouse),
  );

  api.post(
    '/products/:idproduct/stock/:idwarehouse',
    {
      schema: {
        tags: ['stock'],
        summary: 'Change (change) or set (amount) the stock on a location or on no specific location',
        params: idParams('idproduct', 'idwarehouse'),
        body: StockChange,
        response: { 200: WarehouseStockDetail, ...errorResponses },
      },
    },
    async (request) =>
      stock.changeStock(
        request.idaccount,
        request.params.idproduct,
        request.params.idwarehouse,
        request.body,
      ),
  );

  api.post(
    '/products/:idproduct/stock/:idwarehouse/move',
    {
      schema: {
        tags: ['stock'],
        summary: 'Move stock between locations of one warehouse (null = no specific location)',
        params: idParams('idproduct', 'idwarehouse'),
        body: StockMove,
        response: { 200: WarehouseStockDetail, ...errorResponses },
      },
    },
    async (request) =>
      stock.moveStock(request.idaccount, request.params.idproduct, request.params.idwarehouse, request.body),
  );

  api.get(
    '/warehouses/:idwarehouse/stock',
    {
      schema: {
        tags: ['stock'],
        summary: 'Every product with stock or reservations in the warehouse',
        params: idParams('idwarehouse'),
        querystring: OffsetQuery,
        response: { 200: Type.Array(WarehouseProductStock), ...errorResponses },
      },
    },
    async (request) =>
      stock.warehouseProducts(
        db,
        request.idaccount,
        request.params.idwarehouse,
        request.query.offset ?? 0,
        PAGE_SIZE,
      ),
  );

  api.get(
    '/stockhistory',
    {
      schema: {
        tags: ['stock'],
        summary: 'The stock ledger (read-only), oldest first',
        querystring: StockHistoryQuery,
        response: { 200: Type.Array(StockHistoryEntry), ...errorResponses },
      },
    },
    async (request) =>
      stock.history(db, request.idaccount, {
        idproduct: request.query.idproduct,
        idwarehouse: request.query.idwarehouse,
        sincedate: request.query.sincedate,
        untildate: request.query.untildate,
        offset: request.query.offset ?? 0,
        limit: PAGE_SIZE,
      }),
  );

  api.get(
    '/stockhistory/:idproduct_stock_history',
    {
      schema: {
        tags: ['stock'],
        summary: 'One stock ledger entry',
        params: idParams('idproduct_stock_history'),
        response: { 200: StockHistoryEntry, ...errorResponses },
      },
    },
    async (request) => stock.historyEntry(db, request.idaccount, request.params.idproduct_stock_history),
  );
}
