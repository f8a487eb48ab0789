import { sql, type Kysely } from 'kysely';
import type { Engine } from '../engine.ts';

/*
 * The wider warehouse API (issue 11, docs/adr/0015-warehouse-api-and-purchase-advice.md):
 * - customers.customerid: the customer number Picqer filters on (existing customers get their id);
 * - products.minimum_purchase_quantity / purchase_in_quantities_of: what purchase advice rounds to;
 * - product_warehouses: per-warehouse product settings (order level, desired and maximum level,
 *   stock location text), one row per (product, warehouse) once set;
 * - users: the people Picqer records on picklists, purchase orders and receipts;
 * - picklist_details: assignment, snooze, pause reason, urgent/invoiced flags, who closed it.
 */
export function warehouseApiMigration(engine: Engine) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('customers').addColumn('customerid', 'text').execute();
      await sql`update customers set customerid = cast(idcustomer as text)`.execute(db);
      for (const col of ['minimum_purchase_quantity', 'purchase_in_quantities_of'])
        await db.schema
          .alterTable('products')
          .addColumn(col, 'integer', (c) =>
            c
              .notNull()
              .defaultTo(0)
              .check(sql`${sql.ref(col)} >= 0`),
          )
          .execute();

      await db.schema
        .createTable('product_warehouses')
        .addColumn('idaccount', 'integer', (c) => c.notNull().references('accounts.idaccount'))
        .addColumn('idproduct', 'integer', (c) => c.notNull())
        .addColumn('idwarehouse', 'integer', (c) => c.notNull())
        .addColumn('stock_level_order', 'integer', (c) =>
          c
            .notNull()
            .defaultTo(0)
            .check(sql`stock_level_order >= 0`),
        )
        .addColumn('stock_level_desired', 'integer', (c) =>
          c
            .notNull()
            .defaultTo(0)
            .check(sql`stock_level_desired >= 0`),
        )
        .addColumn('stock_level_maximum', 'integer', (c) =>
          c
            .notNull()
            .defaultTo(0)
            .check(sql`stock_level_maximum >= 0`),
        )
        .addColumn('stock_location', 'text')
        .addColumn('updated', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('product_warehouses_pkey', [
          'idaccount',
          'idproduct',
          'idwarehouse',
        ] as never)
        .addForeignKeyConstraint(
          'product_warehouses_product_fk',
          ['idaccount', 'idproduct'] as never,
          'products',
          ['idaccount', 'idproduct'] as never,
        )
        .addForeignKeyConstraint(
          'product_warehouses_warehouse_fk',
          ['idaccount', 'idwarehouse'] as never,
          'warehouses',
          ['idaccount', 'idwarehouse'] as never,
        )
        .execute();

      let users =
        engine === 'postgres'
          ? db.schema
              .createTable('users')
              .addColumn('idaccount', 'integer', (c) => c.notNull().references('accounts.idaccount'))
              .addColumn('iduser', 'serial', (c) => c.notNull())
              .addPrimaryKeyConstraint('users_pkey', ['idaccount', 'iduser'] as never)
          : db.schema
              .createTable('users')
              .addColumn('iduser', 'integer', (c) => c.primaryKey().autoIncrement())
              .addColumn('idaccount', 'integer', (c) => c.notNull().references('accounts.idaccount'))
              .addUniqueConstraint('users_account_key', ['idaccount', 'iduser'] as never);
      users = users
        .addColumn('username', 'text', (c) => c.notNull())
        .addColumn('firstname', 'text')
        .addColumn('lastname', 'text')
        .addColumn('emailaddress', 'text')
        .addColumn('active', 'integer', (c) =>
          c
            .notNull()
            .defaultTo(1)
            .check(sql`active in (0, 1)`),
        )
        .addColumn('created', 'text', (c) => c.notNull())
        .addColumn('updated', 'text', (c) => c.notNull())
        .addUniqueConstraint('users_username_key', ['idaccount', 'username'] as never);
      await users.execute();

      await db.schema
        .createTable('picklist_details')
        .addColumn('idaccount', 'integer', (c) => c.notNull().references('accounts.idaccount'))
        .addColumn('idpicklist', 'integer', (c) => c.notNull())
        .addColumn('assigned_to_iduser', 'integer')
        .addColumn('closed_by_iduser', 'integer')
        .addColumn('snoozed_until', 'text')
        .addColumn('paused_reason', 'text')
        .addColumn('preferred_delivery_date', 'text')
        .addColumn('urgent', 'integer', (c) =>
          c
            .notNull()
            .defaultTo(0)
            .check(sql`urgent in (0, 1)`),
        )
        .addColumn('invoiced', 'integer', (c) =>
          c
            .notNull()
            .defaultTo(0)
            .check(sql`invoiced in (0, 1)`),
        )
        .addColumn('updated', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('picklist_details_pkey', ['idaccount', 'idpicklist'] as never)
        .addForeignKeyConstraint(
          'picklist_details_picklist_fk',
          ['idaccount', 'idpicklist'] as never,
          'picklists',
          ['idaccount', 'idpicklist'] as never,
        )
        .addForeignKeyConstraint(
          'picklist_details_assigned_fk',
          ['idaccount', 'assigned_to_iduser'] as never,
          'users',
          ['idaccount', 'iduser'] as never,
        )
        .execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable('picklist_details').execute();
      await db.schema.dropTable('users').execute();
      await db.schema.dropTable('product_warehouses').execute();
      await db.schema.alterTable('products').dropColumn('purchase_in_quantities_of').execute();
      await db.schema.alterTable('products').dropColumn('minimum_purchase_quantity').execute();
      await db.schema.alterTable('customers').dropColumn('customerid').execute();
    },
  };
}
