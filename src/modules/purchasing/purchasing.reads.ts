import type { Db } from '../../db/transaction.ts';
import type { SupplyLine } from '../../domain/expected-dates.ts';
import * as repo from './purchasing.repository.ts';

/**
 * Reads of purchase orders that modules below purchasing need (ADR 0017): backorders compute their
 * expected dates from what purchased orders still bring, the lifecycle checks a purchase order
 * named in a backorder. Plain functions of the database handle, no purchasing service.
 */

/**
 * Open quantities of purchased lines expected in a warehouse: what backorders wait for.
 *
 * @example
 * const supply = await supplyOf(db, idaccount, idproduct, idwarehouse);
 */
export async function supplyOf(
  db: Db,
  idaccount: number,
  idproduct: number,
  idwarehouse: number,
): Promise<SupplyLine[]> {
  return (await repo.supplyFor(db, idaccount, idproduct, idwarehouse)).map((s) => ({
    idpurchaseorder: s.idpurchaseorder,
    idpurchaseorder_product: s.idpurchaseorder_product,
    open: s.amount - s.amountreceived,
    date: s.date,
  }));
}

/** Whether a purchase order of this account exists (any status). */
export async function purchaseOrderExists(db: Db, idaccount: number, idpurchaseorder: number) {
  return (await repo.findPurchaseOrder(db, idaccount, idpurchaseorder)) !== undefined;
}
