/** The app's only way to the server: the public API under /api/v1, with the key from sign-in. */

const KEY = 'stockroom.apikey';

export function getKey(): string | null {
  return sessionStorage.getItem(KEY);
}
export function setKey(key: string | null): void {
  if (key === null) sessionStorage.removeItem(KEY);
  else sessionStorage.setItem(KEY, key);
}

export function authHeader(key: string): string {
  // Basic auth with the key as user name, as Picqer's clients send it (UTF-8 safe).
  const bytes = new TextEncoder().encode(`${key}:X`);
  return 'Basic ' + btoa(String.fromCharCode(...bytes));
}

/** An API error answer: Picqer's `{error, error_code, error_message}` with the HTTP status. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

async function send(method: string, path: string, body?: unknown, key = getKey()): Promise<Response> {
  const headers: Record<string, string> = {};
  if (key) headers.authorization = authHeader(key);
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`/api/v1${path}`, {
    method,
    headers,
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  if (!res.ok) {
    let code = 0;
    let message = `${res.status} ${res.statusText}`;
    try {
      const err = (await res.json()) as { error_code?: number; error_message?: string };
      code = err.error_code ?? 0;
      message = err.error_message ?? message;
    } catch {
      // Not JSON: keep the status line.
    }
    if (res.status === 401 && key === getKey()) window.dispatchEvent(new Event('stockroom:signed-out'));
    throw new ApiError(res.status, code, message);
  }
  return res;
}

export async function api<T = unknown>(
  method: string,
  path: string,
  body?: unknown,
  key?: string,
): Promise<T> {
  const res = await send(method, path, body, key);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

export const get = <T = unknown>(path: string) => api<T>('GET', path);
export const post = <T = unknown>(path: string, body: unknown = {}) => api<T>('POST', path, body);
export const put = <T = unknown>(path: string, body: unknown) => api<T>('PUT', path, body);

/** Every page of a list (lists are pages of at most 100), up to a limit. */
export async function getAll<T>(path: string, maxPages = 10): Promise<T[]> {
  const out: T[] = [];
  const sep = path.includes('?') ? '&' : '?';
  for (let page = 0; page < maxPages; page++) {
    const rows = await get<T[]>(`${path}${sep}offset=${page * 100}`);
    out.push(...rows);
    if (rows.length < 100) break;
  }
  return out;
}

/** A binary answer (the purchase order PDF) as an object URL: the key stays in a header. */
export async function blobUrl(path: string): Promise<string> {
  const res = await send('GET', path);
  return URL.createObjectURL(await res.blob());
}

export const q = (params: Record<string, string | number | undefined | null>): string => {
  const entries = Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== '');
  return entries.length ? '?' + new URLSearchParams(entries.map(([k, v]) => [k, String(v)])).toString() : '';
};

// Shapes of the answers the screens read (README, API section).
export interface Warehouse {
  idwarehouse: number;
  name: string;
}
export interface Location {
  idlocation: number;
  idwarehouse: number;
  name: string;
}
export interface StockEntry {
  idwarehouse: number;
  stock: number;
  reserved: number;
  reservedbackorders: number;
  reservedpicklists: number;
  freestock: number;
}
export interface Product {
  idproduct: number;
  productcode: string;
  name: string;
  stock: StockEntry[];
}
export interface LocationStock {
  idlocation: number;
  name: string;
  stock: number;
  reserved_picklists: number;
  free_stock: number;
}
export interface WarehouseStock extends StockEntry {
  locations: LocationStock[];
}
export interface HistoryEntry {
  idproduct_stock_history: number;
  idwarehouse: number;
  idlocation: number | null;
  old_stock: number;
  stock_change: number;
  new_stock: number;
  reason: string;
  change_type: string;
  changed_at: string;
}
export interface Backorder {
  idbackorder: number;
  idorder: number;
  idproduct: number;
  idwarehouse: number;
  amount: number;
  amount_available: number;
  priority: number;
  priority_level: string;
  status: string;
  estimated_ship_date: string | null;
  estimated_delivery_date: string | null;
  date_available?: string | null;
  idpicklist: number | null;
  created_at: string;
}
export interface Party {
  idcustomer?: number;
  idsupplier?: number;
  name: string;
}
export interface OrderLine {
  idorder_product: number;
  idproduct: number;
  productcode: string;
  name: string;
  amount: number;
}
export interface Order {
  idorder: number;
  orderid: string;
  idcustomer: number | null;
  status: string;
  products: OrderLine[];
  created: string;
}
export interface PicklistLine {
  idpicklist_product: number;
  idproduct: number;
  productcode: string;
  name: string;
  amount: number;
  amount_picked: number;
  pick_locations: { idlocation: number | null; name: string | null; amount: number }[];
}
export interface Picklist {
  idpicklist: number;
  picklistid: string;
  idorder: number;
  idwarehouse: number;
  status: string;
  totalproducts: number;
  totalpicked: number;
  products: PicklistLine[];
}
export interface PurchaseOrderLine {
  idpurchaseorder_product: number;
  idproduct: number;
  productcode: string;
  name: string;
  amount: number;
  amountreceived: number;
}
export interface PurchaseOrder {
  idpurchaseorder: number;
  purchaseorderid: string;
  idsupplier: number | null;
  supplier_name: string | null;
  idwarehouse: number;
  status: string;
  products: PurchaseOrderLine[];
}
export interface ReceiptLine {
  idreceipt_product: number;
  idproduct: number;
  productcode: string;
  name: string;
  amount: number;
  reverted_at: string | null;
}
export interface Receipt {
  idreceipt: number;
  receiptid: string;
  idwarehouse: number;
  status: string;
  purchaseorder: { idpurchaseorder: number; purchaseorderid: string } | null;
  supplier: { idsupplier: number; name: string } | null;
  products: ReceiptLine[];
}
export interface ExpectedProduct {
  idproduct: number;
  productcode: string;
  name: string;
  idpurchaseorder_product: number;
  amount_ordered: number;
  amount_received: number;
  amount_expected: number;
}
export interface StockroomEvent {
  idevent: number;
  event: string;
  resource_type: string;
  resource_id: number;
  event_triggered_at: string;
  data: unknown;
}
export interface Hook {
  idhook: number;
  name: string;
  event: string;
  address: string;
  active: boolean;
}
export interface Delivery {
  iddelivery: number;
  idevent: number;
  event: string;
  status: string;
  created_at: string;
  attempts: { status_code?: number | null; error?: string | null }[];
}

/** Finds the product with exactly this productcode (scan input), or throws a readable error. */
export async function productByCode(code: string): Promise<Product> {
  const rows = await get<Product[]>(`/products${q({ productcode: code.trim() })}`);
  const found = rows.find((p) => p.productcode === code.trim());
  if (!found) throw new ApiError(404, 20, `No product with productcode ${code.trim()}`);
  return found;
}
