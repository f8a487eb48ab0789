import type { DatabaseHandle } from '../../db/connection.ts';
import { idList } from '../../db/search.ts';
import { withTransaction, type Db, type Trx } from '../../db/transaction.ts';
import { DomainError, invalid, invalidState, notFound } from '../../domain/errors.ts';
import type { WarehouseStock } from '../../domain/stock.ts';
import { formatDateTime, type Clock } from '../../domain/time.ts';
import type { EventsService } from '../events/events.service.ts';
// Reads of stock tables only (no stock service): the stock module sits above the catalog (ADR 0017).
import { locationHoldsStock, productHoldsStock, stockOfProducts } from '../stock/stock.reads.ts';
import * as repo from './catalog.repository.ts';
import type {
  LocationCreate,
  LocationQuery,
  LocationUpdate,
  PartyCreate,
  PartyQuery,
  CustomerQuery,
  PartyUpdate,
  ProductCreate,
  ProductQuery,
  ProductType,
  ProductUpdate,
  WarehouseCreate,
  WarehouseUpdate,
} from './catalog.schemas.ts';

/** Types whose stock is counted and changed (seed 003: only these may have their stock changed). */
export const STOCKED_TYPES: readonly string[] = ['normal', 'composition_with_stock'];
const COMPOSITION_TYPES: readonly string[] = ['virtual_composition', 'composition_with_stock'];

const bool = (b: boolean): number => (b ? 1 : 0);

export function warehouseView(w: repo.WarehouseRow) {
  return {
    idwarehouse: w.idwarehouse,
    name: w.name,
    accept_orders: w.accept_orders === 1,
    counts_for_general_stock: w.counts_for_general_stock === 1,
    priority: w.priority,
    active: w.active === 1,
  };
}

export function locationView(l: repo.LocationRow) {
  return {
    idlocation: l.idlocation,
    idwarehouse: l.idwarehouse,
    parent_idlocation: l.parent_idlocation,
    name: l.name,
    remarks: l.remarks,
    is_bulk_location: l.is_bulk_location === 1,
  };
}

export function productView(p: repo.ProductRow, stock: WarehouseStock[]) {
  return {
    idproduct: p.idproduct,
    productcode: p.productcode,
    name: p.name,
    price: p.price,
    fixedstockprice: p.fixedstockprice,
    idsupplier: p.idsupplier,
    productcode_supplier: p.productcode_supplier,
    type: p.type as ProductType,
    active: p.active === 1,
    barcode: p.barcode,
    weight: p.weight,
    description: p.description,
    minimum_purchase_quantity: p.minimum_purchase_quantity,
    purchase_in_quantities_of: p.purchase_in_quantities_of,
    created: p.created,
    updated: p.updated,
    stock,
  };
}

export type ProductView = ReturnType<typeof productView>;

function partyView<T extends repo.CustomerRow | repo.SupplierRow>(row: T): Omit<T, 'idaccount'> {
  const { idaccount: _a, ...rest } = row;
  return rest;
}

const partView = (p: repo.PartRow) => ({ ...p, type: p.type as ProductType });

/** Picqer's nullable text fields: an empty string means "not set". */
const blankToNull = <T>(v: T): T | null => (v === '' ? null : v);

/**
 * Catalog use cases. With `events`, product changes are published to the outbox (products.created,
 * products.changed, products.parts.changed) in the transaction that made them.
 */
export function createCatalogService(handle: DatabaseHandle, clock: Clock, events?: EventsService) {
  const engine = handle.engine;
  const now = () => formatDateTime(clock());
  const tx = <T>(fn: (trx: Trx) => Promise<T>) => withTransaction(handle, fn);
  /**
   * Product writes check the productcode first; two writers racing for the same new code both pass
   * that check, and the loser hits the unique index. It gets the same answer as the check gives.
   */
  const productTx = <T>(productcode: string | undefined, fn: (trx: Trx) => Promise<T>) =>
    tx(fn).catch((err: unknown) => {
      const code = (err as { code?: unknown }).code;
      if (productcode !== undefined && (code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE'))
        throw new DomainError(
          'duplicate',
          `Productcode "${productcode}" is already used; productcodes are unique`,
        );
      throw err;
    });

  async function requireProduct(db: Db, idaccount: number, idproduct: number): Promise<repo.ProductRow> {
    const p = await repo.findProduct(db, idaccount, idproduct);
    if (!p) throw notFound('Product', idproduct);
    return p;
  }

  async function requireWarehouse(
    db: Db,
    idaccount: number,
    idwarehouse: number,
  ): Promise<repo.WarehouseRow> {
    const w = await repo.findWarehouse(db, idaccount, idwarehouse);
    if (!w) throw notFound('Warehouse', idwarehouse);
    return w;
  }

  async function requireLocation(db: Db, idaccount: number, idlocation: number): Promise<repo.LocationRow> {
    const l = await repo.findLocation(db, idaccount, idlocation);
    if (!l) throw notFound('Location', idlocation);
    return l;
  }

  async function productViews(db: Db, idaccount: number, rows: repo.ProductRow[]): Promise<ProductView[]> {
    const stockByProduct = await stockOfProducts(
      db,
      idaccount,
      rows.map((p) => p.idproduct),
    );
    return rows.map((p) => productView(p, stockByProduct.get(p.idproduct) ?? []));
  }

  async function productViewOf(db: Db, idaccount: number, idproduct: number): Promise<ProductView> {
    const [view] = await productViews(db, idaccount, [await requireProduct(db, idaccount, idproduct)]);
    return view!;
  }

  /** Publishes a product event with the product as it is now, inside the change's transaction. */
  async function emitProduct(trx: Trx, idaccount: number, event: string, product: ProductView) {
    await events?.emit(trx, idaccount, event, 'product', product.idproduct, product);
  }

  /** products.parts.changed: the composition with its parts as they are now. */
  async function emitParts(trx: Trx, idaccount: number, idproduct: number) {
    if (!events) return;
    const product = await productViewOf(trx, idaccount, idproduct);
    const parts = (await repo.listParts(trx, idaccount, idproduct)).map(partView);
    await events.emit(trx, idaccount, 'products.parts.changed', 'product', idproduct, { ...product, parts });
  }

  /** A supplier referenced from a body: unknown is bad input (400), not a missing resource (404). */
  async function checkSupplierRef(db: Db, idaccount: number, idsupplier: number | null | undefined) {
    if (idsupplier === undefined || idsupplier === null) return;
    if (!(await repo.findSupplier(db, idaccount, idsupplier)))
      throw invalid(`Supplier ${idsupplier} does not exist: create it first or leave idsupplier out`);
  }

  async function checkProductcodeFree(trx: Trx, idaccount: number, productcode: string, self?: number) {
    const other = await repo.findProductByCode(trx, idaccount, productcode);
    if (other && other.idproduct !== self)
      throw new DomainError(
        'duplicate',
        `Productcode "${productcode}" is already used by product ${other.idproduct}; productcodes are unique`,
      );
  }

  /** The parent of a location: a location of the same warehouse that is not the location itself or below it. */
  async function checkParent(
    db: Db,
    idaccount: number,
    idwarehouse: number,
    parent: number | null | undefined,
    self?: number,
  ) {
    if (parent === undefined || parent === null) return;
    let current: number | null = parent;
    for (let depth = 0; current !== null; depth++) {
      if (current === self || depth > 100)
        throw invalid(`Location ${parent} cannot be the parent: that would nest the location inside itself`);
      const l = await repo.findLocation(db, idaccount, current);
      if (!l) throw invalid(`Parent location ${current} does not exist`);
      if (current === parent && l.idwarehouse !== idwarehouse)
        throw invalid(`Parent location ${parent} is in warehouse ${l.idwarehouse}, not in ${idwarehouse}`);
      current = l.parent_idlocation;
    }
  }

  return {
    requireProduct,
    /**
     * The product codes of several products by id, in one read (two columns: a batch of picklists
     * names a thousand products); a missing one is a 404 like requireProduct.
     */
    async requireProductCodes(db: Db, idaccount: number, idproducts: readonly number[]) {
      const ids = [...new Set(idproducts)];
      const found = new Map(
        (await repo.productCodes(db, idaccount, ids)).map((p) => [p.idproduct, p.productcode]),
      );
      const missing = ids.find((id) => !found.has(id));
      if (missing !== undefined) throw notFound('Product', missing);
      return found;
    },
    requireWarehouse,
    requireLocation,
    findLocation: (db: Db, idaccount: number, idlocation: number) =>
      repo.findLocation(db, idaccount, idlocation),
    locationsOfWarehouse: (db: Db, idaccount: number, idwarehouse: number) =>
      repo.locationsOfWarehouse(db, idaccount, idwarehouse),
    warehouseIds: (db: Db, idaccount: number) => repo.warehouseIds(db, idaccount),
    /** Locks the product row shared (PostgreSQL): its type and active flag cannot change until commit. */
    lockProductShared: async (trx: Trx, idaccount: number, idproduct: number) => {
      const p = await repo.lockProduct(trx, engine, 'share', idaccount, idproduct);
      if (!p) throw notFound('Product', idproduct);
      return p;
    },
    /**
     * The product a stock change is about, locked shared (see lockProductShared), and its warehouse
     * checked, in one statement: 404 for an unknown product, then for an unknown warehouse.
     */
    lockProductSharedIn: async (trx: Trx, idaccount: number, idproduct: number, idwarehouse: number) => {
      const row = await repo.lockProductSharedWithWarehouse(trx, engine, idaccount, idproduct, idwarehouse);
      if (!row) throw notFound('Product', idproduct);
      if (row.warehouse_found === null) throw notFound('Warehouse', idwarehouse);
      const { warehouse_found: _w, ...product } = row;
      return product;
    },
    /**
     * Locks products shared, in id order, in one statement: their type and active flag stay as read
     * until the commit (a change of type locks a product exclusively). Unknown ids are left out.
     */
    lockProductsShared: async (trx: Trx, idaccount: number, idproducts: readonly number[]) =>
      new Map(
        (await repo.lockProductsShared(trx, engine, idaccount, idproducts)).map((p) => [p.idproduct, p]),
      ),
    /** Locks the location row shared (PostgreSQL): it cannot be deleted until commit. */
    lockLocationShared: (trx: Trx, idaccount: number, idlocation: number) =>
      repo.lockLocation(trx, engine, 'share', idaccount, idlocation),

    // Warehouses

    listWarehouses: async (db: Db, idaccount: number, offset: number, limit: number) =>
      (await repo.listWarehouses(db, idaccount, offset, limit)).map(warehouseView),

    getWarehouse: async (db: Db, idaccount: number, idwarehouse: number) =>
      warehouseView(await requireWarehouse(db, idaccount, idwarehouse)),

    /**
     * Picqer has no API to create warehouses; we do. Defaults: accepts orders, counts for the general
     * stock, active, priority 0 (lower numbers get orders first; ties go to the lower id).
     */
    createWarehouse: (idaccount: number, input: WarehouseCreate) =>
      tx(async (trx) => {
        const id = await repo.insertWarehouse(trx, {
          idaccount,
          name: input.name,
          accept_orders: bool(input.accept_orders ?? true),
          counts_for_general_stock: bool(input.counts_for_general_stock ?? true),
          priority: input.priority ?? 0,
          active: bool(input.active ?? true),
          created: now(),
          updated: now(),
        });
        return warehouseView(await requireWarehouse(trx, idaccount, id));
      }),

    updateWarehouse: (idaccount: number, idwarehouse: number, input: WarehouseUpdate) =>
      tx(async (trx) => {
        await requireWarehouse(trx, idaccount, idwarehouse);
        await repo.updateWarehouse(trx, idaccount, idwarehouse, {
          ...(input.name !== undefined && { name: input.name }),
          ...(input.accept_orders !== undefined && { accept_orders: bool(input.accept_orders) }),
          ...(input.counts_for_general_stock !== undefined && {
            counts_for_general_stock: bool(input.counts_for_general_stock),
          }),
          ...(input.priority !== undefined && { priority: input.priority }),
          ...(input.active !== undefined && { active: bool(input.active) }),
          updated: now(),
        });
        return warehouseView(await requireWarehouse(trx, idaccount, idwarehouse));
      }),

    // Locations

    listLocations: async (db: Db, idaccount: number, q: LocationQuery, limit: number) =>
      (
        await repo.listLocations(db, idaccount, {
          idwarehouse: q.idwarehouse,
          name: q.name,
          onlyAvailable: q.only_available,
          offset: q.offset ?? 0,
          limit,
        })
      ).map(locationView),

    getLocation: async (db: Db, idaccount: number, idlocation: number) =>
      locationView(await requireLocation(db, idaccount, idlocation)),

    createLocation: (idaccount: number, input: LocationCreate) =>
      tx(async (trx) => {
        if (!(await repo.findWarehouse(trx, idaccount, input.idwarehouse)))
          throw invalid(
            `Warehouse ${input.idwarehouse} does not exist: give the idwarehouse of one of yours`,
          );
        await checkParent(trx, idaccount, input.idwarehouse, input.parent_idlocation);
        const id = await repo.insertLocation(trx, {
          idaccount,
          idwarehouse: input.idwarehouse,
          parent_idlocation: input.parent_idlocation ?? null,
          name: input.name,
          remarks: blankToNull(input.remarks ?? null),
          is_bulk_location: bool(input.is_bulk_location ?? false),
          created: now(),
          updated: now(),
        });
        return locationView(await requireLocation(trx, idaccount, id));
      }),

    updateLocation: (idaccount: number, idlocation: number, input: LocationUpdate) =>
      tx(async (trx) => {
        const l = await repo.lockLocation(trx, engine, 'no key update', idaccount, idlocation);
        if (!l) throw notFound('Location', idlocation);
        if (input.idwarehouse !== undefined && input.idwarehouse !== l.idwarehouse)
          throw invalid(
            `A location cannot move to another warehouse: location ${idlocation} stays in warehouse ${l.idwarehouse}`,
          );
        await checkParent(trx, idaccount, l.idwarehouse, input.parent_idlocation, idlocation);
        await repo.updateLocation(trx, idaccount, idlocation, {
          ...(input.name !== undefined && { name: input.name }),
          ...(input.remarks !== undefined && { remarks: blankToNull(input.remarks) }),
          ...(input.is_bulk_location !== undefined && { is_bulk_location: bool(input.is_bulk_location) }),
          ...(input.parent_idlocation !== undefined && { parent_idlocation: input.parent_idlocation }),
          updated: now(),
        });
        return locationView(await requireLocation(trx, idaccount, idlocation));
      }),

    /**
     * Deletes an empty location. The row is locked first; stock changes hold it shared, so no stock
     * can arrive between the check and the delete.
     */
    deleteLocation: (idaccount: number, idlocation: number) =>
      tx(async (trx) => {
        const l = await repo.lockLocation(trx, engine, 'update', idaccount, idlocation);
        if (!l) throw notFound('Location', idlocation);
        if (await locationHoldsStock(trx, idaccount, idlocation))
          throw invalidState(
            `Location ${idlocation} still holds stock or picklist reservations: move the stock away first`,
          );
        if ((await repo.countChildLocations(trx, idaccount, idlocation)) > 0)
          throw invalidState(`Location ${idlocation} has child locations: delete or re-parent them first`);
        await repo.deleteLocation(trx, idaccount, idlocation);
      }),

    // Products

    /** Default: active products only; `inactive=true` lists inactive products too. */
    listProducts: async (db: Db, idaccount: number, q: ProductQuery, limit: number) =>
      productViews(
        db,
        idaccount,
        await repo.listProducts(db, idaccount, {
          productcode: q.productcode,
          search: q.search,
          type: q.type,
          idsupplier: q.idsupplier,
          idproducts: idList('idproducts', q.idproducts),
          includeInactive: q.inactive === true,
          offset: q.offset ?? 0,
          limit,
        }),
      ),

    getProduct: productViewOf,

    createProduct: (idaccount: number, input: ProductCreate) =>
      productTx(input.productcode, async (trx) => {
        await checkProductcodeFree(trx, idaccount, input.productcode);
        await checkSupplierRef(trx, idaccount, input.idsupplier);
        const id = await repo.insertProduct(trx, {
          idaccount,
          productcode: input.productcode,
          name: input.name,
          price: input.price ?? 0,
          fixedstockprice: input.fixedstockprice ?? null,
          idsupplier: input.idsupplier ?? null,
          productcode_supplier: blankToNull(input.productcode_supplier ?? null),
          type: input.type ?? 'normal',
          active: bool(input.active ?? true),
          barcode: blankToNull(input.barcode ?? null),
          weight: input.weight ?? null,
          description: blankToNull(input.description ?? null),
          minimum_purchase_quantity: input.minimum_purchase_quantity ?? 0,
          purchase_in_quantities_of: input.purchase_in_quantities_of ?? 0,
          created: now(),
          updated: now(),
        });
        const view = await productViewOf(trx, idaccount, id);
        await emitProduct(trx, idaccount, 'products.created', view);
        return view;
      }),

    /**
     * Updates a product. The row is locked exclusively: stock changes hold it shared, so a change of
     * type cannot race a stock change. The type changes only while the product holds no stock or
     * reservations, and only where its parts stay meaningful.
     */
    updateProduct: (idaccount: number, idproduct: number, input: ProductUpdate) =>
      productTx(input.productcode, async (trx) => {
        const p = await repo.lockProduct(trx, engine, 'no key update', idaccount, idproduct);
        if (!p) throw notFound('Product', idproduct);
        if (input.productcode !== undefined && input.productcode !== p.productcode)
          await checkProductcodeFree(trx, idaccount, input.productcode, idproduct);
        await checkSupplierRef(trx, idaccount, input.idsupplier);
        if (input.type !== undefined && input.type !== p.type) {
          if (await productHoldsStock(trx, idaccount, idproduct))
            throw invalidState(
              `The type of product ${idproduct} can only change while it has no stock and no reservations`,
            );
          if (
            !COMPOSITION_TYPES.includes(input.type) &&
            (await repo.countParts(trx, idaccount, idproduct)) > 0
          )
            throw invalidState(`Product ${idproduct} has parts: remove them before making it ${input.type}`);
          if (
            input.type === 'virtual_composition' &&
            (await repo.countCompositionsUsing(trx, idaccount, idproduct)) > 0
          )
            throw invalidState(
              `Product ${idproduct} is a part of a composition and cannot become a virtual composition`,
            );
        }
        await repo.updateProduct(trx, idaccount, idproduct, {
          ...(input.productcode !== undefined && { productcode: input.productcode }),
          ...(input.name !== undefined && { name: input.name }),
          ...(input.price !== undefined && { price: input.price }),
          ...(input.minimum_purchase_quantity !== undefined && {
            minimum_purchase_quantity: input.minimum_purchase_quantity,
          }),
          ...(input.purchase_in_quantities_of !== undefined && {
            purchase_in_quantities_of: input.purchase_in_quantities_of,
          }),
          ...(input.fixedstockprice !== undefined && { fixedstockprice: input.fixedstockprice }),
          ...(input.idsupplier !== undefined && { idsupplier: input.idsupplier }),
          ...(input.productcode_supplier !== undefined && {
            productcode_supplier: blankToNull(input.productcode_supplier),
          }),
          ...(input.type !== undefined && { type: input.type }),
          ...(input.active !== undefined && { active: bool(input.active) }),
          ...(input.barcode !== undefined && { barcode: blankToNull(input.barcode) }),
          ...(input.weight !== undefined && { weight: input.weight }),
          ...(input.description !== undefined && { description: blankToNull(input.description) }),
          updated: now(),
        });
        const view = await productViewOf(trx, idaccount, idproduct);
        await emitProduct(trx, idaccount, 'products.changed', view);
        return view;
      }),

    setProductActive: (idaccount: number, idproduct: number, active: boolean) =>
      tx(async (trx) => {
        const p = await repo.lockProduct(trx, engine, 'no key update', idaccount, idproduct);
        if (!p) throw notFound('Product', idproduct);
        const view = async () => productViewOf(trx, idaccount, idproduct);
        if (p.active === bool(active)) return view();
        await repo.updateProduct(trx, idaccount, idproduct, { active: bool(active), updated: now() });
        const changed = await view();
        await emitProduct(trx, idaccount, 'products.changed', changed);
        return changed;
      }),

    // Composition parts

    listParts: async (db: Db, idaccount: number, idproduct: number) => {
      await requireProduct(db, idaccount, idproduct);
      return (await repo.listParts(db, idaccount, idproduct)).map(partView);
    },

    getPart: async (db: Db, idaccount: number, idproduct: number, idproduct_part: number) => {
      await requireProduct(db, idaccount, idproduct);
      const part = await repo.findPart(db, idaccount, idproduct, idproduct_part);
      if (!part) throw notFound('Part', idproduct_part);
      return partView(part);
    },

    /**
     * Adds a part to a composition. A part is never the composition itself nor a virtual
     * composition, so compositions nest at most one level and cannot form a cycle.
     */
    addPart: (idaccount: number, idproduct: number, input: { idproduct: number; amount: number }) =>
      tx(async (trx) => {
        const parent = await repo.lockProduct(trx, engine, 'no key update', idaccount, idproduct);
        if (!parent) throw notFound('Product', idproduct);
        if (!COMPOSITION_TYPES.includes(parent.type))
          throw invalidState(
            `Product ${idproduct} is of type ${parent.type}; only compositions (virtual_composition, composition_with_stock) have parts`,
          );
        if (input.idproduct === idproduct) throw invalid('A composition cannot be a part of itself');
        const part = await repo.findProduct(trx, idaccount, input.idproduct);
        if (!part)
          throw invalid(`Product ${input.idproduct} does not exist: give the idproduct of one of yours`);
        if (part.type === 'virtual_composition')
          throw invalid(`Product ${input.idproduct} is a virtual composition and cannot be a part`);
        if (await repo.findPartByProduct(trx, idaccount, idproduct, input.idproduct))
          throw new DomainError(
            'duplicate',
            `Product ${input.idproduct} is already a part of ${idproduct}: change its amount instead`,
          );
        const id = await repo.insertPart(trx, {
          idaccount,
          idparent: idproduct,
          idproduct: input.idproduct,
          amount: input.amount,
        });
        await emitParts(trx, idaccount, idproduct);
        return partView((await repo.findPart(trx, idaccount, idproduct, id))!);
      }),

    updatePart: (idaccount: number, idproduct: number, idproduct_part: number, amount: number) =>
      tx(async (trx) => {
        await requireProduct(trx, idaccount, idproduct);
        if (!(await repo.findPart(trx, idaccount, idproduct, idproduct_part)))
          throw notFound('Part', idproduct_part);
        await repo.updatePartAmount(trx, idaccount, idproduct_part, amount);
        await emitParts(trx, idaccount, idproduct);
        return partView((await repo.findPart(trx, idaccount, idproduct, idproduct_part))!);
      }),

    deletePart: (idaccount: number, idproduct: number, idproduct_part: number) =>
      tx(async (trx) => {
        await requireProduct(trx, idaccount, idproduct);
        if (!(await repo.findPart(trx, idaccount, idproduct, idproduct_part)))
          throw notFound('Part', idproduct_part);
        await repo.deletePart(trx, idaccount, idproduct_part);
        await emitParts(trx, idaccount, idproduct);
      }),

    // Customers and suppliers

    listCustomers: async (db: Db, idaccount: number, q: CustomerQuery, limit: number) =>
      (
        await repo.listCustomers(db, idaccount, {
          search: q.search,
          customerid: q.customerid,
          offset: q.offset ?? 0,
          limit,
        })
      ).map(partyView),

    getCustomer: async (db: Db, idaccount: number, idcustomer: number) => {
      const c = await repo.findCustomer(db, idaccount, idcustomer);
      if (!c) throw notFound('Customer', idcustomer);
      return partyView(c);
    },

    createCustomer: (idaccount: number, input: PartyCreate) =>
      tx(async (trx) => {
        const id = await repo.insertCustomer(trx, {
          idaccount,
          ...newParty(input),
          customerid: null,
          created: now(),
          updated: now(),
        });
        // The customer number is the id: unique without a second counter.
        await repo.updateCustomer(trx, idaccount, id, { customerid: String(id) });
        return partyView((await repo.findCustomer(trx, idaccount, id))!);
      }),

    updateCustomer: (idaccount: number, idcustomer: number, input: PartyUpdate) =>
      tx(async (trx) => {
        if (!(await repo.findCustomer(trx, idaccount, idcustomer))) throw notFound('Customer', idcustomer);
        await repo.updateCustomer(trx, idaccount, idcustomer, { ...partyPatch(input), updated: now() });
        return partyView((await repo.findCustomer(trx, idaccount, idcustomer))!);
      }),

    listSuppliers: async (db: Db, idaccount: number, q: PartyQuery, limit: number) =>
      (await repo.listSuppliers(db, idaccount, { search: q.search, offset: q.offset ?? 0, limit })).map(
        partyView,
      ),

    getSupplier: async (db: Db, idaccount: number, idsupplier: number) => {
      const s = await repo.findSupplier(db, idaccount, idsupplier);
      if (!s) throw notFound('Supplier', idsupplier);
      return partyView(s);
    },

    createSupplier: (idaccount: number, input: PartyCreate) =>
      tx(async (trx) => {
        const id = await repo.insertSupplier(trx, {
          idaccount,
          ...newParty(input),
          created: now(),
          updated: now(),
        });
        return partyView((await repo.findSupplier(trx, idaccount, id))!);
      }),

    updateSupplier: (idaccount: number, idsupplier: number, input: PartyUpdate) =>
      tx(async (trx) => {
        if (!(await repo.findSupplier(trx, idaccount, idsupplier))) throw notFound('Supplier', idsupplier);
        await repo.updateSupplier(trx, idaccount, idsupplier, { ...partyPatch(input), updated: now() });
        return partyView((await repo.findSupplier(trx, idaccount, idsupplier))!);
      }),

    handle,
  };
}

const PARTY_TEXT = [
  'contactname',
  'emailaddress',
  'telephone',
  'address',
  'address2',
  'zipcode',
  'city',
  'region',
  'country',
] as const;

function newParty(input: PartyCreate) {
  const text = Object.fromEntries(PARTY_TEXT.map((k) => [k, blankToNull(input[k] ?? null)])) as Record<
    (typeof PARTY_TEXT)[number],
    string | null
  >;
  return { name: input.name, language: input.language ?? 'en', ...text };
}

function partyPatch(input: PartyUpdate) {
  const patch: Partial<Record<(typeof PARTY_TEXT)[number], string | null>> & {
    name?: string;
    language?: string;
  } = {};
  if (input.name !== undefined) patch.name = input.name;
  if (input.language !== undefined) patch.language = input.language;
  for (const k of PARTY_TEXT) if (input[k] !== undefined) patch[k] = blankToNull(input[k]);
  return patch;
}

export type CatalogService = ReturnType<typeof createCatalogService>;
