import type { DatabaseHandle } from '../../db/connection.ts';
import { withTransaction, type Db } from '../../db/transaction.ts';
import { DomainError, invalidState, notFound } from '../../domain/errors.ts';
import type { CatalogService } from '../catalog/catalog.service.ts';
import type { StockService } from '../stock/stock.service.ts';
import * as repo from './product-locations.repository.ts';

/** Product types that hold no stock of their own, so they have nowhere to be stored. */
const STOCKLESS_TYPES = ['virtual_composition', 'unlimited_stock'];

/**
 * Linking products and locations (Picqer's /products/{id}/locations, /locations/{id}/products).
 * A link is the product's stock slot on the location: linking creates the empty slot through the
 * stock service (level locked first, the stock recipe's order), unlinking removes it while it holds
 * neither stock nor reservations.
 */
export function createProductLocationsService(deps: {
  handle: DatabaseHandle;
  catalog: CatalogService;
  stock: StockService;
}) {
  const { handle, catalog, stock } = deps;

  async function requireLocation(db: Db, idaccount: number, idlocation: number) {
    const l = await catalog.findLocation(db, idaccount, idlocation);
    if (!l) throw notFound('Location', idlocation);
    return l;
  }

  async function locationsOf(db: Db, idaccount: number, idproduct: number) {
    return (await repo.locationsOfProduct(db, idaccount, idproduct)).map((r) => ({
      idlocation: r.idlocation,
      idwarehouse: r.idwarehouse,
      parent_idlocation: r.parent_idlocation,
      name: r.name,
      remarks: r.remarks,
      is_bulk_location: r.is_bulk_location === 1,
      stock_for_product: { stock: r.stock, stock_reserved_picklists: r.reserved_picklists },
    }));
  }

  return {
    /** The locations a product is linked to (with or without stock), by idlocation. */
    async listOfProduct(db: Db, idaccount: number, idproduct: number) {
      await catalog.getProduct(db, idaccount, idproduct);
      return locationsOf(db, idaccount, idproduct);
    },

    /** The products linked to a location, by idproduct, paged. */
    async listOfLocation(db: Db, idaccount: number, idlocation: number, offset: number, limit: number) {
      await requireLocation(db, idaccount, idlocation);
      return (await repo.productsOnLocation(db, idaccount, idlocation, { offset, limit })).map((r) => ({
        idproduct: r.idproduct,
        productcode: r.productcode,
        name: r.name,
        barcode: r.barcode,
        stock_on_location: { stock: r.stock, stock_reserved_picklists: r.reserved_picklists },
      }));
    },

    /** Links a product to a location; linking again changes nothing. Answers the linked location. */
    link: (idaccount: number, idproduct: number, idlocation: number) =>
      withTransaction(handle, async (trx) => {
        const product = await catalog.getProduct(trx, idaccount, idproduct);
        if (STOCKLESS_TYPES.includes(product.type))
          throw invalidState(`Product ${idproduct} is a ${product.type} and holds no stock on locations`);
        const location = await catalog.findLocation(trx, idaccount, idlocation);
        if (!location)
          throw new DomainError(
            'invalid_input',
            `Location ${idlocation} not found: give an existing idlocation`,
          );
        const key = { idaccount, idproduct, idwarehouse: location.idwarehouse };
        await stock.lockLevelsInTrx(trx, idaccount, [key]);
        await stock.lockSlotsInTrx(trx, key, [idlocation]);
        return (await locationsOf(trx, idaccount, idproduct)).find((l) => l.idlocation === idlocation)!;
      }),

    /** Unlinks a product from a location; refused while the product has stock or reservations there. */
    unlink: (idaccount: number, idproduct: number, idlocation: number) =>
      withTransaction(handle, async (trx) => {
        await catalog.getProduct(trx, idaccount, idproduct);
        const location = await requireLocation(trx, idaccount, idlocation);
        const key = { idaccount, idproduct, idwarehouse: location.idwarehouse };
        await stock.lockLevelsInTrx(trx, idaccount, [key]);
        const slot = (await stock.lockSlotsInTrx(trx, key)).find((s) => s.slot === idlocation);
        if (!slot) throw notFound(`Link of product ${idproduct} to location`, idlocation);
        if (slot.stock !== 0 || slot.reserved_picklists !== 0)
          throw invalidState(
            `Product ${idproduct} has ${slot.stock} in stock on location ${idlocation} (${slot.reserved_picklists} reserved by picklists): move it away before unlinking`,
          );
        await repo.deleteEmptySlot(trx, key, idlocation);
      }),
  };
}

export type ProductLocationsService = ReturnType<typeof createProductLocationsService>;
