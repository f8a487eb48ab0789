import { Type } from '@sinclair/typebox';
import { StockEntry } from '../catalog/catalog.schemas.ts';
import { Amount, DateTimeString, Id, Nullable, OffsetQuery, PositiveAmount } from '../../http/schemas.ts';

/** Request and response shapes of product stock, stock moves and the stock history. */

/** The stock object per warehouse (shared with product answers). */
export { StockEntry };

export const LocationStock = Type.Object({
  idlocation: Type.Integer(),
  idwarehouse: Type.Integer(),
  name: Type.String(),
  stock: Type.Integer(),
  reserved_picklists: Type.Integer(),
  free_stock: Type.Integer(),
  is_bulk_location: Type.Boolean(),
});

export const WarehouseStockDetail = Type.Composite([
  StockEntry,
  Type.Object({ locations: Type.Array(LocationStock) }),
]);

export const StockChange = Type.Object({
  /** A location of this warehouse, null for no specific location, left out to let us choose. */
  idlocation: Type.Optional(Nullable(Id)),
  /** Positive adds, negative removes. Exactly one of change and amount. */
  change: Type.Optional(Amount),
  /** The stock level to set. Exactly one of change and amount. */
  amount: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000_000 })),
  reason: Type.String({ maxLength: 1000 }),
});

export const StockMove = Type.Object({
  from_idlocation: Nullable(Id),
  to_idlocation: Nullable(Id),
  amount: PositiveAmount,
  reason: Type.Optional(Type.String({ maxLength: 1000 })),
});

export const WarehouseProductStock = Type.Object({
  idproduct: Type.Integer(),
  productcode: Type.String(),
  stock: StockEntry,
});

export const StockHistoryEntry = Type.Object({
  idproduct_stock_history: Type.Integer(),
  idproduct: Type.Integer(),
  idwarehouse: Type.Integer(),
  idlocation: Nullable(Type.Integer()),
  iduser: Type.Null(),
  old_stock: Type.Integer(),
  stock_change: Type.Integer(),
  new_stock: Type.Integer(),
  reason: Type.String(),
  change_type: Type.String(),
  changed_at: DateTimeString,
  location_old_stock: Type.Integer(),
  location_stock_change: Type.Integer(),
  location_new_stock: Type.Integer(),
  reference_type: Nullable(Type.String()),
  reference_id: Nullable(Type.Integer()),
});

export const StockHistoryQuery = Type.Composite([
  OffsetQuery,
  Type.Object({
    idproduct: Type.Optional(Id),
    idwarehouse: Type.Optional(Id),
    sincedate: Type.Optional(Type.String({ maxLength: 30 })),
    untildate: Type.Optional(Type.String({ maxLength: 30 })),
  }),
]);
