import type { Generated } from 'kysely';

/*
 * The table types Kysely checks every query against. One interface per table, named after it.
 *
 * Conventions (the same on SQLite and PostgreSQL, see docs/adr/0002-data-model.md):
 * - every table leads its keys with idaccount; every query filters on it;
 * - booleans are integers 0/1 (one representation on both engines, CHECKed);
 * - datetimes are text "YYYY-MM-DD HH:MM:SS" in UTC, dates "YYYY-MM-DD" (they sort as text);
 * - JSON documents are text;
 * - stock slot 0 is "no specific location" (idlocation null in the API).
 */

type Bool = number; // 0 | 1
type DateTime = string;

export interface AccountsTable {
  idaccount: Generated<number>;
  name: string;
  created_at: DateTime;
}

export interface ApiKeysTable {
  idaccount: number;
  idapikey: Generated<number>;
  key_hash: string;
  key_prefix: string;
  name: string;
  created_at: DateTime;
  revoked_at: DateTime | null;
}

/** Per-account running numbers (orderid, purchaseorderid, picklistid, receiptid). */
export interface CountersTable {
  idaccount: number;
  name: string;
  value: number;
}

export interface WarehousesTable {
  idaccount: number;
  idwarehouse: Generated<number>;
  name: string;
  accept_orders: Bool;
  counts_for_general_stock: Bool;
  priority: number;
  active: Bool;
  created: DateTime;
  updated: DateTime;
}

export interface LocationsTable {
  idaccount: number;
  idlocation: Generated<number>;
  idwarehouse: number;
  parent_idlocation: number | null;
  name: string;
  remarks: string | null;
  is_bulk_location: Bool;
  created: DateTime;
  updated: DateTime;
}

export interface ProductsTable {
  idaccount: number;
  idproduct: Generated<number>;
  productcode: string;
  name: string;
  price: number;
  fixedstockprice: number | null;
  idsupplier: number | null;
  productcode_supplier: string | null;
  type: string;
  active: Bool;
  barcode: string | null;
  weight: number | null;
  description: string | null;
  /** Purchase advice rounds up to these (0: no rule); migration 007. */
  minimum_purchase_quantity: Generated<number>;
  purchase_in_quantities_of: Generated<number>;
  created: DateTime;
  updated: DateTime;
}

/** Per-warehouse product settings (reference 4.4), a row once any is set; migration 007. */
export interface ProductWarehousesTable {
  idaccount: number;
  idproduct: number;
  idwarehouse: number;
  stock_level_order: number;
  stock_level_desired: number;
  stock_level_maximum: number;
  stock_location: string | null;
  updated: DateTime;
}

/** People of an account (picklist assignment, who closed, purchased, received); migration 007. */
export interface UsersTable {
  idaccount: number;
  iduser: Generated<number>;
  username: string;
  firstname: string | null;
  lastname: string | null;
  emailaddress: string | null;
  active: Generated<Bool>;
  created: DateTime;
  updated: DateTime;
}

export interface ProductPartsTable {
  idaccount: number;
  idproduct_part: Generated<number>;
  /** The composition. */
  idparent: number;
  /** The part product. */
  idproduct: number;
  amount: number;
}

export interface CustomersTable {
  idaccount: number;
  idcustomer: Generated<number>;
  /** The customer number (migration 007); null only before it ran. */
  customerid: string | null;
  name: string;
  contactname: string | null;
  emailaddress: string | null;
  telephone: string | null;
  language: string;
  address: string | null;
  address2: string | null;
  zipcode: string | null;
  city: string | null;
  region: string | null;
  country: string | null;
  created: DateTime;
  updated: DateTime;
}

export interface SuppliersTable {
  idaccount: number;
  idsupplier: Generated<number>;
  name: string;
  contactname: string | null;
  emailaddress: string | null;
  telephone: string | null;
  language: string;
  address: string | null;
  address2: string | null;
  zipcode: string | null;
  city: string | null;
  region: string | null;
  country: string | null;
  created: DateTime;
  updated: DateTime;
}

/**
 * One row per (product, warehouse): the lock anchor of every stock change and the counters of the
 * warehouse. Every counter is rebuildable: stock from the ledger, the reservations from picklist
 * lines, open backorders and allocations (see the reconcile check).
 */
export interface StockLevelsTable {
  idaccount: number;
  idproduct: number;
  idwarehouse: number;
  stock: number;
  reserved_picklists: number;
  reserved_backorders: number;
  reserved_allocations: number;
  updated: DateTime;
}

/** Stock per location slot (0 = no specific location) with the picklist reservations on it. */
export interface LocationStockTable {
  idaccount: number;
  idproduct: number;
  idwarehouse: number;
  slot: number;
  stock: number;
  reserved_picklists: number;
}

/** The ledger: append-only, one row per location slot touched by a change. */
export interface StockHistoryTable {
  idaccount: number;
  idproduct_stock_history: Generated<number>;
  idproduct: number;
  idwarehouse: number;
  idlocation: number | null;
  old_stock: number;
  stock_change: number;
  new_stock: number;
  location_old_stock: number;
  location_stock_change: number;
  location_new_stock: number;
  reason: string;
  change_type: string;
  reference_type: string | null;
  reference_id: number | null;
  changed_at: DateTime;
}

export interface OrdersTable {
  idaccount: number;
  idorder: Generated<number>;
  orderid: string;
  idcustomer: number | null;
  status: string;
  partialdelivery: Bool;
  /** JSON array of idwarehouse the order may ship from. */
  warehouses: string;
  reference: string | null;
  emailaddress: string | null;
  language: string | null;
  deliveryname: string | null;
  deliverycontactname: string | null;
  deliveryaddress: string | null;
  deliveryaddress2: string | null;
  deliveryzipcode: string | null;
  deliverycity: string | null;
  deliveryregion: string | null;
  deliverycountry: string | null;
  allocated: Bool;
  processed_at: DateTime | null;
  completed_at: DateTime | null;
  cancelled_at: DateTime | null;
  created: DateTime;
  updated: DateTime;
}

export interface OrderProductsTable {
  idaccount: number;
  idorder_product: Generated<number>;
  idorder: number;
  idproduct: number;
  name: string;
  remarks: string | null;
  price: number;
  amount: number;
  amount_cancelled: number;
  has_parts: Bool;
  partof_idorder_product: number | null;
}

/** Stock allocated to a concept/expected order (reservedallocations), per product and warehouse. */
export interface AllocationsTable {
  idaccount: number;
  idorder: number;
  idproduct: number;
  idwarehouse: number;
  amount: number;
}

export interface PicklistsTable {
  idaccount: number;
  idpicklist: Generated<number>;
  picklistid: string;
  idorder: number;
  idcustomer: number | null;
  idwarehouse: number;
  status: string;
  closed_at: DateTime | null;
  created: DateTime;
  updated: DateTime;
}

/**
 * What Picqer lets one set on a picklist beside its lines (migration 007): assignment, snooze, pause
 * reason, flags, who closed it. A row once any is set; kept apart from picklists, whose rows the
 * stock write path owns.
 */
export interface PicklistDetailsTable {
  idaccount: number;
  idpicklist: number;
  assigned_to_iduser: number | null;
  closed_by_iduser: number | null;
  snoozed_until: DateTime | null;
  paused_reason: string | null;
  preferred_delivery_date: string | null;
  urgent: Bool;
  invoiced: Bool;
  updated: DateTime;
}

export interface PicklistProductsTable {
  idaccount: number;
  idpicklist_product: Generated<number>;
  idpicklist: number;
  idorder_product: number | null;
  idproduct: number;
  /** The backorder this line was processed from, if any. */
  idbackorder: number | null;
  name: string;
  price: number;
  amount: number;
  amount_picked: number;
  has_parts: Bool;
  partof_idpicklist_product: number | null;
}

/** Where a picklist line reserves its stock: the reservation per location slot. */
export interface PicklistLocationsTable {
  idaccount: number;
  idpicklist_product: number;
  idproduct: number;
  idwarehouse: number;
  slot: number;
  amount: number;
}

export interface BackordersTable {
  idaccount: number;
  idbackorder: Generated<number>;
  idorder: number;
  idorder_product: number;
  idproduct: number;
  idcustomer: number | null;
  idwarehouse: number;
  amount: number;
  amount_available: number;
  priority: number;
  /** rush=0, expedited=1, standard=2: sorts the queue before priority. */
  priority_rank: number;
  status: string;
  price_cents: number;
  has_parts: Bool;
  part_of_idbackorder: number | null;
  parts_per_parent: number | null;
  idpurchaseorder: number | null;
  idpurchaseorder_manual: Bool;
  idpicklist: number | null;
  estimated_ship_date: string | null;
  estimated_delivery_date: string | null;
  estimate_manual: Bool;
  actual_ship_date: string | null;
  actual_delivery_date: string | null;
  /** Last computed expected date (date_available), kept to notice changes and delays. */
  date_available: string | null;
  /** The estimated ship date whose passing was reported (backorders.delay_noticed), once per date. */
  delay_noticed_date: string | null;
  cancelled_at: DateTime | null;
  metadata: string;
  created_at: DateTime;
  updated_at: DateTime;
}

export interface PurchaseOrdersTable {
  idaccount: number;
  idpurchaseorder: Generated<number>;
  purchaseorderid: string;
  idsupplier: number | null;
  supplier_name: string | null;
  supplier_orderid: string | null;
  idwarehouse: number;
  idtemplate: number | null;
  status: string;
  remarks: string | null;
  delivery_date: string | null;
  language: string;
  purchased_at: DateTime | null;
  completed_at: DateTime | null;
  created: DateTime;
  updated: DateTime;
}

export interface PurchaseOrderProductsTable {
  idaccount: number;
  idpurchaseorder_product: Generated<number>;
  idpurchaseorder: number;
  idproduct: number;
  price: number;
  amount: number;
  amountreceived: number;
  delivery_date: string | null;
  added_by_receipt: Bool;
}

export interface CommentsTable {
  idaccount: number;
  idcomment: Generated<number>;
  source_type: string;
  source_id: number;
  body: string;
  created_at: DateTime;
  updated_at: DateTime;
}

export interface ReceiptsTable {
  idaccount: number;
  idreceipt: Generated<number>;
  receiptid: string;
  idwarehouse: number;
  idpurchaseorder: number | null;
  idsupplier: number | null;
  status: string;
  version: number;
  completed_at: DateTime | null;
  created: DateTime;
  updated: DateTime;
}

export interface ReceiptProductsTable {
  idaccount: number;
  idreceipt_product: Generated<number>;
  idreceipt: number;
  idpurchaseorder: number | null;
  idpurchaseorder_product: number | null;
  idproduct: number;
  amount: number;
  idlocation: number | null;
  added_by_receipt: Bool;
  created_at: DateTime;
  reverted_at: DateTime | null;
}

/** The outbox: every event, written in the transaction of the change that caused it. */
export interface EventsTable {
  idaccount: number;
  idevent: Generated<number>;
  event: string;
  resource_type: string;
  resource_id: number;
  /** JSON of the resource as it was at the time. */
  data: string;
  created_at: DateTime;
}

export interface HooksTable {
  idaccount: number;
  idhook: Generated<number>;
  name: string;
  event: string;
  address: string;
  secret: string | null;
  active: Bool;
  deleted: Bool;
  created: DateTime;
  updated: DateTime;
}

export interface WebhookDeliveriesTable {
  idaccount: number;
  iddelivery: Generated<number>;
  idhook: number;
  idevent: number;
  /** pending, delivered, failed (gave up), skipped (hook inactive). */
  status: string;
  attempts: number;
  next_attempt_at: DateTime;
  /** A worker's claim: no other worker sends this delivery before it passes. */
  locked_until: DateTime | null;
  locked_by: string | null;
  created_at: DateTime;
  updated_at: DateTime;
}

export interface WebhookAttemptsTable {
  idaccount: number;
  idattempt: Generated<number>;
  iddelivery: number;
  idhook: number;
  attempted_at: DateTime;
  status_code: number | null;
  response_body: string | null;
  error: string | null;
  duration_ms: number;
  success: Bool;
}

export interface NotificationsTable {
  idaccount: number;
  idnotification: Generated<number>;
  idbackorder: number;
  channel: string;
  recipient: string | null;
  language: string;
  subject: string;
  body: string;
  status: string;
  error: string | null;
  created_at: DateTime;
}

export interface IdempotencyKeysTable {
  idaccount: number;
  idempotency_key: string;
  method: string;
  path: string;
  request_hash: string;
  status_code: number;
  response_body: string;
  created_at: DateTime;
  /** The request that claimed the key (ADR 0013); '' on rows from before migration 006. */
  owner: Generated<string>;
}

/** Long work run as a job (migration 008): progress and result readable from any process. */
export interface JobsTable {
  idjob: Generated<number>;
  idaccount: number;
  /** backorders.process, import.products, import.stock */
  kind: string;
  /** queued, running, done, failed */
  status: string;
  progress_done: number;
  progress_total: number | null;
  /** JSON of the finished job's answer. */
  result: string | null;
  error: string | null;
  created_at: DateTime;
  started_at: DateTime | null;
  finished_at: DateTime | null;
  updated_at: DateTime;
}

export interface Database {
  accounts: AccountsTable;
  api_keys: ApiKeysTable;
  counters: CountersTable;
  warehouses: WarehousesTable;
  locations: LocationsTable;
  products: ProductsTable;
  product_parts: ProductPartsTable;
  product_warehouses: ProductWarehousesTable;
  users: UsersTable;
  customers: CustomersTable;
  suppliers: SuppliersTable;
  stock_levels: StockLevelsTable;
  location_stock: LocationStockTable;
  stock_history: StockHistoryTable;
  orders: OrdersTable;
  order_products: OrderProductsTable;
  allocations: AllocationsTable;
  picklists: PicklistsTable;
  picklist_products: PicklistProductsTable;
  picklist_locations: PicklistLocationsTable;
  picklist_details: PicklistDetailsTable;
  backorders: BackordersTable;
  purchaseorders: PurchaseOrdersTable;
  purchaseorder_products: PurchaseOrderProductsTable;
  comments: CommentsTable;
  receipts: ReceiptsTable;
  receipt_products: ReceiptProductsTable;
  events: EventsTable;
  hooks: HooksTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_attempts: WebhookAttemptsTable;
  jobs: JobsTable;
  notifications: NotificationsTable;
  idempotency_keys: IdempotencyKeysTable;
}
