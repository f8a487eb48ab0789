import type { DatabaseHandle } from '../../db/connection.ts';
import type { Db } from '../../db/transaction.ts';
import { notFound } from '../../domain/errors.ts';
import type { Clock } from '../../domain/time.ts';
import * as repo from './catalog.repository.ts';

export function createCatalogService(handle: DatabaseHandle, _clock: Clock) {
  return {
    /** The product of this account, or a 404. Reads through db so callers can pass their transaction. */
    async requireProduct(db: Db, idaccount: number, idproduct: number): Promise<repo.ProductRow> {
      const p = await repo.findProduct(db, idaccount, idproduct);
      if (!p) throw notFound('Product', idproduct);
      return p;
    },
    async requireWarehouse(db: Db, idaccount: number, idwarehouse: number): Promise<repo.WarehouseRow> {
      const w = await repo.findWarehouse(db, idaccount, idwarehouse);
      if (!w) throw notFound('Warehouse', idwarehouse);
      return w;
    },
    findLocation: (db: Db, idaccount: number, idlocation: number) =>
      repo.findLocation(db, idaccount, idlocation),
    locationsOfWarehouse: (db: Db, idaccount: number, idwarehouse: number) =>
      repo.locationsOfWarehouse(db, idaccount, idwarehouse),
    handle,
  };
}

export type CatalogService = ReturnType<typeof createCatalogService>;
