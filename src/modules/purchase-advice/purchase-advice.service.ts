import type { Db } from '../../db/transaction.ts';
import { advise } from '../../domain/purchase-advice.ts';
import type { PurchasingService } from '../purchasing/purchasing.service.ts';
import * as repo from './purchase-advice.repository.ts';

/**
 * Purchase advice per supplier and warehouse (domain/purchase-advice.ts decides), and the action
 * that turns it into concept purchase orders through the purchasing service.
 */
export function createPurchaseAdviceService(deps: { purchasing: PurchasingService }) {
  const { purchasing } = deps;

  async function advice(db: Db, idaccount: number, f: repo.AdviceFilter) {
    const [rows, open] = await Promise.all([repo.candidates(db, idaccount, f), repo.incoming(db, idaccount)]);
    return rows.flatMap((r) => {
      const incoming = open.get(`${r.idproduct}:${r.idwarehouse}`) ?? 0;
      const a = advise({ ...r, incoming });
      if (a.amount === 0 || a.reason === null) return [];
      return [
        {
          idproduct: r.idproduct,
          productcode: r.productcode,
          name: r.name,
          idsupplier: r.idsupplier,
          supplier_name: r.supplier_name,
          idwarehouse: r.idwarehouse,
          stock: r.stock,
          freestock: r.stock - r.reservedpicklists - r.reservedbackorders - r.reservedallocations,
          reservedbackorders: r.reservedbackorders,
          incoming,
          stock_level_order: r.stock_level_order,
          stock_level_desired: r.stock_level_desired,
          stock_level_maximum: r.stock_level_maximum,
          minimum_purchase_quantity: r.minimum_purchase_quantity,
          purchase_in_quantities_of: r.purchase_in_quantities_of,
          backorder_need: a.backorder_need,
          advised_amount: a.amount,
          reason: a.reason,
        },
      ];
    });
  }

  return {
    /** The advice, ordered by supplier, warehouse and product. */
    list: async (db: Db, idaccount: number, f: repo.AdviceFilter & { offset: number; limit: number }) =>
      (await advice(db, idaccount, f)).slice(f.offset, f.offset + f.limit),

    /**
     * Creates one concept purchase order per supplier and warehouse of the advice (products without
     * a supplier are left out: a purchase order needs one). Each order is its own transaction of
     * the purchasing service; a retry with the same Idempotency-Key replays instead of repeating,
     * and a second run advises only what the new concept orders do not already bring.
     */
    async createPurchaseOrders(db: Db, idaccount: number, f: repo.AdviceFilter) {
      const groups = new Map<
        string,
        { idsupplier: number; idwarehouse: number; products: { idproduct: number; amount: number }[] }
      >();
      for (const item of await advice(db, idaccount, f)) {
        if (item.idsupplier === null) continue;
        const key = `${item.idsupplier}:${item.idwarehouse}`;
        let g = groups.get(key);
        if (!g)
          groups.set(key, (g = { idsupplier: item.idsupplier, idwarehouse: item.idwarehouse, products: [] }));
        g.products.push({ idproduct: item.idproduct, amount: item.advised_amount });
      }
      const created = [];
      for (const g of groups.values())
        created.push(
          await purchasing.create(idaccount, {
            idsupplier: g.idsupplier,
            idwarehouse: g.idwarehouse,
            remarks: 'Created from purchase advice',
            products: g.products,
          }),
        );
      return created;
    },
  };
}
