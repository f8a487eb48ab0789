import { sql, type CreateTableBuilder, type Kysely } from 'kysely';
import type { Engine } from '../engine.ts';

/*
 * The whole data model of Stockroom. Every table is keyed by account first: (idaccount, id) is the
 * primary key on PostgreSQL (ready to distribute by idaccount on Citus), and every foreign key
 * includes idaccount, so a row can never point at another account's row. SQLite needs its rowid
 * alias for autoincrement, so there the id is the primary key and (idaccount, id) a unique key
 * that the composite foreign keys point at. That is the only difference between the engines here.
 */

type Builder = CreateTableBuilder<string, string>;

export function initialMigration(engine: Engine) {
  /** A table with an account-scoped generated id. */
  const entity = (db: Kysely<unknown>, name: string, id: string): Builder => {
    if (engine === 'postgres') {
      return db.schema
        .createTable(name)
        .addColumn('idaccount', 'integer', (c) => c.notNull().references('accounts.idaccount'))
        .addColumn(id, 'serial', (c) => c.notNull())
        .addPrimaryKeyConstraint(`${name}_pkey`, ['idaccount', id] as never);
    }
    return db.schema
      .createTable(name)
      .addColumn(id, 'integer', (c) => c.primaryKey().autoIncrement())
      .addColumn('idaccount', 'integer', (c) => c.notNull().references('accounts.idaccount'))
      .addUniqueConstraint(`${name}_account_key`, ['idaccount', id] as never);
  };
  /** A table keyed by its natural key, idaccount first. */
  const keyed = (db: Kysely<unknown>, name: string): Builder =>
    db.schema
      .createTable(name)
      .addColumn('idaccount', 'integer', (c) => c.notNull().references('accounts.idaccount'));

  let fkCount = 0;
  const fk = (t: Builder, cols: string[], table: string, refCols: string[] = cols): Builder =>
    t.addForeignKeyConstraint(
      `fk${++fkCount}_${cols.join('_')}_${table}`,
      ['idaccount', ...cols] as never,
      table,
      ['idaccount', ...refCols] as never,
    );
  const bool = (t: Builder, name: string, dflt: 0 | 1): Builder =>
    t.addColumn(name, 'integer', (c) =>
      c
        .notNull()
        .defaultTo(dflt)
        .check(sql`${sql.ref(name)} in (0, 1)`),
    );
  const nonNegative = (t: Builder, name: string, dflt = 0): Builder =>
    t.addColumn(name, 'integer', (c) =>
      c
        .notNull()
        .defaultTo(dflt)
        .check(sql`${sql.ref(name)} >= 0`),
    );
  const text = (t: Builder, ...names: string[]): Builder => names.reduce((b, n) => b.addColumn(n, 'text'), t);
  const address = (t: Builder): Builder =>
    text(
      t,
      'contactname',
      'emailaddress',
      'telephone',
      'address',
      'address2',
      'zipcode',
      'city',
      'region',
      'country',
    );
  const timestamps = (t: Builder, created = 'created', updated = 'updated'): Builder =>
    t.addColumn(created, 'text', (c) => c.notNull()).addColumn(updated, 'text', (c) => c.notNull());
  const index = (db: Kysely<unknown>, table: string, cols: string[], unique = false) => {
    const b = db.schema
      .createIndex(`${table}_${cols.join('_')}_idx`)
      .on(table)
      .columns(['idaccount', ...cols]);
    return (unique ? b.unique() : b).execute();
  };

  return {
    async up(db: Kysely<unknown>): Promise<void> {
      const accountId = engine === 'postgres' ? 'serial' : 'integer';
      await db.schema
        .createTable('accounts')
        .addColumn('idaccount', accountId, (c) =>
          engine === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
        )
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();

      await entity(db, 'api_keys', 'idapikey')
        .addColumn('key_hash', 'text', (c) => c.notNull().unique())
        .addColumn('key_prefix', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('revoked_at', 'text')
        .execute();

      await keyed(db, 'counters')
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('value', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('counters_pkey', ['idaccount', 'name'] as never)
        .execute();

      let t = entity(db, 'warehouses', 'idwarehouse').addColumn('name', 'text', (c) => c.notNull());
      t = bool(t, 'accept_orders', 1);
      t = bool(t, 'counts_for_general_stock', 1);
      t = t.addColumn('priority', 'integer', (c) => c.notNull().defaultTo(0));
      t = bool(t, 'active', 1);
      await timestamps(t).execute();

      t = entity(db, 'locations', 'idlocation')
        .addColumn('idwarehouse', 'integer', (c) => c.notNull())
        .addColumn('parent_idlocation', 'integer')
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('remarks', 'text');
      t = bool(t, 'is_bulk_location', 0);
      t = fk(t, ['idwarehouse'], 'warehouses');
      t = fk(t, ['parent_idlocation'], 'locations', ['idlocation']);
      await timestamps(t).execute();
      await index(db, 'locations', ['idwarehouse', 'name']);

      t = entity(db, 'suppliers', 'idsupplier').addColumn('name', 'text', (c) => c.notNull());
      t = address(t).addColumn('language', 'text', (c) => c.notNull().defaultTo('en'));
      await timestamps(t).execute();

      t = entity(db, 'customers', 'idcustomer').addColumn('name', 'text', (c) => c.notNull());
      t = address(t).addColumn('language', 'text', (c) => c.notNull().defaultTo('en'));
      await timestamps(t).execute();

      t = entity(db, 'products', 'idproduct')
        .addColumn('productcode', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('price', 'double precision', (c) => c.notNull().defaultTo(0))
        .addColumn('fixedstockprice', 'double precision')
        .addColumn('idsupplier', 'integer')
        .addColumn('productcode_supplier', 'text')
        .addColumn('type', 'text', (c) =>
          c
            .notNull()
            .defaultTo('normal')
            .check(
              sql`type in ('normal', 'unlimited_stock', 'virtual_composition', 'composition_with_stock')`,
            ),
        );
      t = bool(t, 'active', 1);
      t = text(t, 'barcode').addColumn('weight', 'integer');
      t = text(t, 'description');
      t = fk(t, ['idsupplier'], 'suppliers');
      await timestamps(t).execute();
      await index(db, 'products', ['productcode'], true);

      t = entity(db, 'product_parts', 'idproduct_part')
        .addColumn('idparent', 'integer', (c) => c.notNull())
        .addColumn('idproduct', 'integer', (c) => c.notNull())
        .addColumn('amount', 'integer', (c) => c.notNull().check(sql`amount > 0`));
      t = fk(t, ['idparent'], 'products', ['idproduct']);
      t = fk(t, ['idproduct'], 'products');
      await t.execute();
      await index(db, 'product_parts', ['idparent', 'idproduct'], true);

      // Stock: the (product, warehouse) row is the lock anchor and holds the warehouse counters.
      t = keyed(db, 'stock_levels')
        .addColumn('idproduct', 'integer', (c) => c.notNull())
        .addColumn('idwarehouse', 'integer', (c) => c.notNull());
      t = nonNegative(t, 'stock');
      t = nonNegative(t, 'reserved_picklists');
      t = nonNegative(t, 'reserved_backorders');
      t = nonNegative(t, 'reserved_allocations');
      t = t
        .addColumn('updated', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('stock_levels_pkey', ['idaccount', 'idproduct', 'idwarehouse'] as never)
        .addCheckConstraint('stock_levels_picklists_covered', sql`stock >= reserved_picklists`);
      t = fk(t, ['idproduct'], 'products');
      t = fk(t, ['idwarehouse'], 'warehouses');
      await t.execute();
      await index(db, 'stock_levels', ['idwarehouse', 'idproduct']);

      t = keyed(db, 'location_stock')
        .addColumn('idproduct', 'integer', (c) => c.notNull())
        .addColumn('idwarehouse', 'integer', (c) => c.notNull())
        .addColumn('slot', 'integer', (c) => c.notNull().check(sql`slot >= 0`));
      t = nonNegative(t, 'stock');
      t = nonNegative(t, 'reserved_picklists');
      t = t
        .addPrimaryKeyConstraint('location_stock_pkey', [
          'idaccount',
          'idproduct',
          'idwarehouse',
          'slot',
        ] as never)
        .addCheckConstraint('location_stock_picklists_covered', sql`stock >= reserved_picklists`);
      t = fk(t, ['idproduct', 'idwarehouse'], 'stock_levels');
      await t.execute();
      await index(db, 'location_stock', ['slot']);

      await entity(db, 'stock_history', 'idproduct_stock_history')
        .addColumn('idproduct', 'integer', (c) => c.notNull())
        .addColumn('idwarehouse', 'integer', (c) => c.notNull())
        .addColumn('idlocation', 'integer')
        .addColumn('old_stock', 'integer', (c) => c.notNull())
        .addColumn('stock_change', 'integer', (c) => c.notNull())
        .addColumn('new_stock', 'integer', (c) => c.notNull())
        .addColumn('location_old_stock', 'integer', (c) => c.notNull())
        .addColumn('location_stock_change', 'integer', (c) => c.notNull())
        .addColumn('location_new_stock', 'integer', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('change_type', 'text', (c) => c.notNull())
        .addColumn('reference_type', 'text')
        .addColumn('reference_id', 'integer')
        .addColumn('changed_at', 'text', (c) => c.notNull())
        .addCheckConstraint(
          'stock_history_arithmetic',
          sql`new_stock = old_stock + stock_change and location_new_stock = location_old_stock + location_stock_change`,
        )
        .execute();
      await index(db, 'stock_history', ['idproduct', 'idwarehouse']);
      await index(db, 'stock_history', ['changed_at']);

      t = entity(db, 'orders', 'idorder')
        .addColumn('orderid', 'text', (c) => c.notNull())
        .addColumn('idcustomer', 'integer')
        .addColumn('status', 'text', (c) =>
          c
            .notNull()
            .check(sql`status in ('concept', 'expected', 'processing', 'paused', 'completed', 'cancelled')`),
        );
      t = bool(t, 'partialdelivery', 1);
      t = t.addColumn('warehouses', 'text', (c) => c.notNull().defaultTo('[]'));
      t = text(
        t,
        'reference',
        'emailaddress',
        'language',
        'deliveryname',
        'deliverycontactname',
        'deliveryaddress',
        'deliveryaddress2',
        'deliveryzipcode',
        'deliverycity',
        'deliveryregion',
        'deliverycountry',
      );
      t = bool(t, 'allocated', 0);
      t = text(t, 'processed_at', 'completed_at', 'cancelled_at');
      t = fk(t, ['idcustomer'], 'customers');
      await timestamps(t).execute();
      await index(db, 'orders', ['status']);
      await index(db, 'orders', ['idcustomer']);

      t = entity(db, 'order_products', 'idorder_product')
        .addColumn('idorder', 'integer', (c) => c.notNull())
        .addColumn('idproduct', 'integer', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('remarks', 'text')
        .addColumn('price', 'double precision', (c) => c.notNull().defaultTo(0))
        .addColumn('amount', 'integer', (c) => c.notNull().check(sql`amount > 0`));
      t = nonNegative(t, 'amount_cancelled');
      t = bool(t, 'has_parts', 0);
      t = t
        .addColumn('partof_idorder_product', 'integer')
        .addCheckConstraint('order_products_cancel_le_amount', sql`amount_cancelled <= amount`);
      t = fk(t, ['idorder'], 'orders');
      t = fk(t, ['idproduct'], 'products');
      await t.execute();
      await index(db, 'order_products', ['idorder']);

      t = keyed(db, 'allocations')
        .addColumn('idorder', 'integer', (c) => c.notNull())
        .addColumn('idproduct', 'integer', (c) => c.notNull())
        .addColumn('idwarehouse', 'integer', (c) => c.notNull())
        .addColumn('amount', 'integer', (c) => c.notNull().check(sql`amount > 0`))
        .addPrimaryKeyConstraint('allocations_pkey', [
          'idaccount',
          'idorder',
          'idproduct',
          'idwarehouse',
        ] as never);
      t = fk(t, ['idorder'], 'orders');
      t = fk(t, ['idproduct', 'idwarehouse'], 'stock_levels');
      await t.execute();

      t = entity(db, 'picklists', 'idpicklist')
        .addColumn('picklistid', 'text', (c) => c.notNull())
        .addColumn('idorder', 'integer', (c) => c.notNull())
        .addColumn('idcustomer', 'integer')
        .addColumn('idwarehouse', 'integer', (c) => c.notNull())
        .addColumn('status', 'text', (c) =>
          c.notNull().check(sql`status in ('new', 'paused', 'closed', 'snoozed', 'cancelled')`),
        )
        .addColumn('closed_at', 'text');
      t = fk(t, ['idorder'], 'orders');
      t = fk(t, ['idwarehouse'], 'warehouses');
      await timestamps(t).execute();
      await index(db, 'picklists', ['idorder']);
      await index(db, 'picklists', ['status']);

      t = entity(db, 'picklist_products', 'idpicklist_product')
        .addColumn('idpicklist', 'integer', (c) => c.notNull())
        .addColumn('idorder_product', 'integer')
        .addColumn('idproduct', 'integer', (c) => c.notNull())
        .addColumn('idbackorder', 'integer')
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('price', 'double precision', (c) => c.notNull().defaultTo(0))
        .addColumn('amount', 'integer', (c) => c.notNull().check(sql`amount > 0`));
      t = nonNegative(t, 'amount_picked');
      t = bool(t, 'has_parts', 0);
      t = t
        .addColumn('partof_idpicklist_product', 'integer')
        .addCheckConstraint('picklist_products_picked_le_amount', sql`amount_picked <= amount`);
      t = fk(t, ['idpicklist'], 'picklists');
      t = fk(t, ['idproduct'], 'products');
      await t.execute();
      await index(db, 'picklist_products', ['idpicklist']);

      t = keyed(db, 'picklist_locations')
        .addColumn('idpicklist_product', 'integer', (c) => c.notNull())
        .addColumn('idproduct', 'integer', (c) => c.notNull())
        .addColumn('idwarehouse', 'integer', (c) => c.notNull())
        .addColumn('slot', 'integer', (c) => c.notNull())
        .addColumn('amount', 'integer', (c) => c.notNull().check(sql`amount >= 0`))
        .addPrimaryKeyConstraint('picklist_locations_pkey', [
          'idaccount',
          'idpicklist_product',
          'slot',
        ] as never);
      t = fk(t, ['idpicklist_product'], 'picklist_products');
      t = fk(t, ['idproduct', 'idwarehouse', 'slot'], 'location_stock');
      await t.execute();
      await index(db, 'picklist_locations', ['idproduct', 'idwarehouse', 'slot']);

      t = entity(db, 'backorders', 'idbackorder')
        .addColumn('idorder', 'integer', (c) => c.notNull())
        .addColumn('idorder_product', 'integer', (c) => c.notNull())
        .addColumn('idproduct', 'integer', (c) => c.notNull())
        .addColumn('idcustomer', 'integer')
        .addColumn('idwarehouse', 'integer', (c) => c.notNull())
        .addColumn('amount', 'integer', (c) => c.notNull().check(sql`amount > 0`));
      t = nonNegative(t, 'amount_available');
      t = t
        .addColumn('priority', 'integer', (c) => c.notNull())
        .addColumn('priority_rank', 'integer', (c) =>
          c
            .notNull()
            .defaultTo(2)
            .check(sql`priority_rank in (0, 1, 2)`),
        )
        .addColumn('status', 'text', (c) =>
          c
            .notNull()
            .defaultTo('pending')
            .check(
              sql`status in ('pending', 'confirmed', 'in-production', 'in-transit', 'processed', 'fulfilled', 'cancelled')`,
            ),
        )
        .addColumn('price_cents', 'integer', (c) => c.notNull().defaultTo(0));
      t = bool(t, 'has_parts', 0);
      t = t
        .addColumn('part_of_idbackorder', 'integer')
        .addColumn('parts_per_parent', 'integer')
        .addColumn('idpurchaseorder', 'integer');
      t = bool(t, 'idpurchaseorder_manual', 0);
      t = t.addColumn('idpicklist', 'integer');
      t = text(t, 'estimated_ship_date', 'estimated_delivery_date');
      t = bool(t, 'estimate_manual', 0);
      t = text(t, 'actual_ship_date', 'actual_delivery_date', 'date_available', 'cancelled_at');
      t = t
        .addColumn('metadata', 'text', (c) => c.notNull().defaultTo('{}'))
        .addCheckConstraint('backorders_available_le_amount', sql`amount_available <= amount`);
      t = fk(t, ['idorder'], 'orders');
      t = fk(t, ['idorder_product'], 'order_products');
      t = fk(t, ['idproduct', 'idwarehouse'], 'stock_levels');
      await timestamps(t, 'created_at', 'updated_at').execute();
      // The assignment queue of one (product, warehouse): the only rows a stock change touches.
      await index(db, 'backorders', [
        'idproduct',
        'idwarehouse',
        'status',
        'priority_rank',
        'priority',
        'created_at',
      ]);
      await index(db, 'backorders', ['idorder']);
      await index(db, 'backorders', ['status', 'idbackorder']);

      t = entity(db, 'purchaseorders', 'idpurchaseorder')
        .addColumn('purchaseorderid', 'text', (c) => c.notNull())
        .addColumn('idsupplier', 'integer')
        .addColumn('supplier_name', 'text')
        .addColumn('supplier_orderid', 'text')
        .addColumn('idwarehouse', 'integer', (c) => c.notNull())
        .addColumn('idtemplate', 'integer')
        .addColumn('status', 'text', (c) =>
          c.notNull().check(sql`status in ('concept', 'purchased', 'received', 'cancelled')`),
        )
        .addColumn('remarks', 'text')
        .addColumn('delivery_date', 'text')
        .addColumn('language', 'text', (c) => c.notNull().defaultTo('en'));
      t = text(t, 'purchased_at', 'completed_at');
      t = fk(t, ['idsupplier'], 'suppliers');
      t = fk(t, ['idwarehouse'], 'warehouses');
      await timestamps(t).execute();
      await index(db, 'purchaseorders', ['status']);

      t = entity(db, 'purchaseorder_products', 'idpurchaseorder_product')
        .addColumn('idpurchaseorder', 'integer', (c) => c.notNull())
        .addColumn('idproduct', 'integer', (c) => c.notNull())
        .addColumn('price', 'double precision', (c) => c.notNull().defaultTo(0))
        .addColumn('amount', 'integer', (c) => c.notNull().check(sql`amount > 0`));
      t = nonNegative(t, 'amountreceived');
      t = t
        .addColumn('delivery_date', 'text')
        .addCheckConstraint('purchaseorder_products_received_le_amount', sql`amountreceived <= amount`);
      t = bool(t, 'added_by_receipt', 0);
      t = fk(t, ['idpurchaseorder'], 'purchaseorders');
      t = fk(t, ['idproduct'], 'products');
      await t.execute();
      await index(db, 'purchaseorder_products', ['idpurchaseorder']);
      await index(db, 'purchaseorder_products', ['idproduct']);

      await timestamps(
        entity(db, 'comments', 'idcomment')
          .addColumn('source_type', 'text', (c) => c.notNull())
          .addColumn('source_id', 'integer', (c) => c.notNull())
          .addColumn('body', 'text', (c) => c.notNull()),
        'created_at',
        'updated_at',
      ).execute();
      await index(db, 'comments', ['source_type', 'source_id']);

      t = entity(db, 'receipts', 'idreceipt')
        .addColumn('receiptid', 'text', (c) => c.notNull())
        .addColumn('idwarehouse', 'integer', (c) => c.notNull())
        .addColumn('idpurchaseorder', 'integer')
        .addColumn('idsupplier', 'integer')
        .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('processing', 'completed')`))
        .addColumn('version', 'integer', (c) => c.notNull().defaultTo(2))
        .addColumn('completed_at', 'text');
      t = fk(t, ['idwarehouse'], 'warehouses');
      t = fk(t, ['idpurchaseorder'], 'purchaseorders');
      t = fk(t, ['idsupplier'], 'suppliers');
      await timestamps(t).execute();

      t = entity(db, 'receipt_products', 'idreceipt_product')
        .addColumn('idreceipt', 'integer', (c) => c.notNull())
        .addColumn('idpurchaseorder', 'integer')
        .addColumn('idpurchaseorder_product', 'integer')
        .addColumn('idproduct', 'integer', (c) => c.notNull())
        .addColumn('amount', 'integer', (c) => c.notNull().check(sql`amount > 0`))
        .addColumn('idlocation', 'integer');
      t = bool(t, 'added_by_receipt', 0);
      t = t.addColumn('created_at', 'text', (c) => c.notNull()).addColumn('reverted_at', 'text');
      t = fk(t, ['idreceipt'], 'receipts');
      t = fk(t, ['idpurchaseorder_product'], 'purchaseorder_products');
      t = fk(t, ['idproduct'], 'products');
      await t.execute();
      await index(db, 'receipt_products', ['idreceipt']);

      await entity(db, 'events', 'idevent')
        .addColumn('event', 'text', (c) => c.notNull())
        .addColumn('resource_type', 'text', (c) => c.notNull())
        .addColumn('resource_id', 'integer', (c) => c.notNull())
        .addColumn('data', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await index(db, 'events', ['event', 'idevent']);

      t = entity(db, 'hooks', 'idhook')
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('event', 'text', (c) => c.notNull())
        .addColumn('address', 'text', (c) => c.notNull())
        .addColumn('secret', 'text');
      t = bool(t, 'active', 1);
      t = bool(t, 'deleted', 0);
      await timestamps(t).execute();
      await index(db, 'hooks', ['event']);

      t = entity(db, 'webhook_deliveries', 'iddelivery')
        .addColumn('idhook', 'integer', (c) => c.notNull())
        .addColumn('idevent', 'integer', (c) => c.notNull())
        .addColumn('status', 'text', (c) =>
          c.notNull().check(sql`status in ('pending', 'delivered', 'failed', 'skipped')`),
        );
      t = nonNegative(t, 'attempts');
      t = t
        .addColumn('next_attempt_at', 'text', (c) => c.notNull())
        .addColumn('locked_until', 'text')
        .addColumn('locked_by', 'text');
      t = fk(t, ['idhook'], 'hooks');
      t = fk(t, ['idevent'], 'events');
      await timestamps(t, 'created_at', 'updated_at').execute();
      await index(db, 'webhook_deliveries', ['idhook', 'idevent'], true);
      // Workers scan due deliveries across accounts, so this index does not lead with idaccount.
      await db.schema
        .createIndex('webhook_deliveries_due_idx')
        .on('webhook_deliveries')
        .columns(['status', 'next_attempt_at'])
        .execute();

      t = entity(db, 'webhook_attempts', 'idattempt')
        .addColumn('iddelivery', 'integer', (c) => c.notNull())
        .addColumn('idhook', 'integer', (c) => c.notNull())
        .addColumn('attempted_at', 'text', (c) => c.notNull())
        .addColumn('status_code', 'integer')
        .addColumn('response_body', 'text')
        .addColumn('error', 'text')
        .addColumn('duration_ms', 'integer', (c) => c.notNull());
      t = bool(t, 'success', 0);
      t = fk(t, ['iddelivery'], 'webhook_deliveries');
      await t.execute();
      await index(db, 'webhook_attempts', ['idhook', 'attempted_at']);

      t = entity(db, 'notifications', 'idnotification')
        .addColumn('idbackorder', 'integer', (c) => c.notNull())
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('recipient', 'text')
        .addColumn('language', 'text', (c) => c.notNull())
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('error', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull());
      t = fk(t, ['idbackorder'], 'backorders');
      await t.execute();
      await index(db, 'notifications', ['idbackorder']);

      await keyed(db, 'idempotency_keys')
        .addColumn('idempotency_key', 'text', (c) => c.notNull())
        .addColumn('method', 'text', (c) => c.notNull())
        .addColumn('path', 'text', (c) => c.notNull())
        .addColumn('request_hash', 'text', (c) => c.notNull())
        .addColumn('status_code', 'integer', (c) => c.notNull())
        .addColumn('response_body', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('idempotency_keys_pkey', ['idaccount', 'idempotency_key'] as never)
        .execute();
    },
  };
}
