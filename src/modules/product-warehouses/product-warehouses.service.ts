import type { DatabaseHandle } from '../../db/connection.ts';
import { withTransaction, type Db } from '../../db/transaction.ts';
import { formatDateTime, type Clock } from '../../domain/time.ts';
import type { CatalogService } from '../catalog/catalog.service.ts';
import * as repo from './product-warehouses.repository.ts';
import type { ProductWarehouseUpdate } from './product-warehouses.schemas.ts';

/** Per-warehouse product settings: one entry per warehouse of the account, 0 where none is set. */
export function createProductWarehousesService(deps: {
  handle: DatabaseHandle;
  clock: Clock;
  catalog: CatalogService;
}) {
  const { handle, clock, catalog } = deps;

  async function list(db: Db, idaccount: number, idproduct: number) {
    await catalog.getProduct(db, idaccount, idproduct);
    const set = new Map(
      (await repo.settingsOfProduct(db, idaccount, idproduct)).map((r) => [r.idwarehouse, r] as const),
    );
    return (await catalog.listWarehouses(db, idaccount, 0, 10_000)).map((w) => {
      const r = set.get(w.idwarehouse);
      return {
        idwarehouse: w.idwarehouse,
        idproduct,
        stock_level_order: r?.stock_level_order ?? 0,
        stock_level_desired: r?.stock_level_desired ?? 0,
        stock_level_maximum: r?.stock_level_maximum ?? 0,
        stock_location: r?.stock_location ?? null,
      };
    });
  }

  return {
    list,

    update: (idaccount: number, idproduct: number, idwarehouse: number, input: ProductWarehouseUpdate) =>
      withTransaction(handle, async (trx) => {
        await catalog.getProduct(trx, idaccount, idproduct);
        await catalog.getWarehouse(trx, idaccount, idwarehouse);
        await repo.updateSettings(trx, { idaccount, idproduct, idwarehouse }, input, formatDateTime(clock()));
        return (await list(trx, idaccount, idproduct)).find((s) => s.idwarehouse === idwarehouse)!;
      }),
  };
}
