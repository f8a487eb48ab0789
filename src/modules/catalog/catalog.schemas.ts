import { Type, type Static } from '@sinclair/typebox';
import { Id, Nullable, Offset, Price } from '../../http/schemas.ts';

/** Request and response shapes of warehouses, locations, products (with parts), customers, suppliers. */

const Name = Type.String({ minLength: 1, maxLength: 255 });
const Text = (maxLength = 255) => Type.String({ maxLength });
const OptionalText = (maxLength = 255) => Type.Optional(Nullable(Text(maxLength)));
/** Booleans in query strings ("true"/"false"/"1"/"0"), coerced by Ajv. */
const QueryBool = Type.Boolean();

// Warehouses

export const Warehouse = Type.Object({
  idwarehouse: Type.Integer(),
  name: Type.String(),
  accept_orders: Type.Boolean(),
  counts_for_general_stock: Type.Boolean(),
  priority: Type.Integer(),
  active: Type.Boolean(),
});

const warehouseFields = {
  name: Name,
  accept_orders: Type.Boolean(),
  counts_for_general_stock: Type.Boolean(),
  /** Lower numbers get orders first (Picqer). */
  priority: Type.Integer({ minimum: -1_000_000, maximum: 1_000_000 }),
  active: Type.Boolean(),
};
export const WarehouseCreate = Type.Object({
  name: warehouseFields.name,
  accept_orders: Type.Optional(warehouseFields.accept_orders),
  counts_for_general_stock: Type.Optional(warehouseFields.counts_for_general_stock),
  priority: Type.Optional(warehouseFields.priority),
  active: Type.Optional(warehouseFields.active),
});
export const WarehouseUpdate = Type.Partial(Type.Object(warehouseFields));
export type WarehouseCreate = Static<typeof WarehouseCreate>;
export type WarehouseUpdate = Static<typeof WarehouseUpdate>;

// Locations

export const Location = Type.Object({
  idlocation: Type.Integer(),
  idwarehouse: Type.Integer(),
  parent_idlocation: Nullable(Type.Integer()),
  name: Type.String(),
  remarks: Nullable(Type.String()),
  is_bulk_location: Type.Boolean(),
});
export const LocationCreate = Type.Object({
  idwarehouse: Id,
  name: Name,
  remarks: OptionalText(1000),
  is_bulk_location: Type.Optional(Type.Boolean()),
  parent_idlocation: Type.Optional(Nullable(Id)),
});
export const LocationUpdate = Type.Object({
  /** Accepted only when unchanged: a location cannot move to another warehouse. */
  idwarehouse: Type.Optional(Id),
  name: Type.Optional(Name),
  remarks: OptionalText(1000),
  is_bulk_location: Type.Optional(Type.Boolean()),
  parent_idlocation: Type.Optional(Nullable(Id)),
});
export const LocationQuery = Type.Object({
  offset: Type.Optional(Offset),
  idwarehouse: Type.Optional(Id),
  name: Type.Optional(Text()),
  only_available: Type.Optional(
    Type.Boolean({ description: 'true or 1: only locations no product is linked to' }),
  ),
});
export type LocationCreate = Static<typeof LocationCreate>;
export type LocationUpdate = Static<typeof LocationUpdate>;
export type LocationQuery = Static<typeof LocationQuery>;

// Products

export const PRODUCT_TYPES = [
  'normal',
  'unlimited_stock',
  'virtual_composition',
  'composition_with_stock',
] as const;
export type ProductType = (typeof PRODUCT_TYPES)[number];
const ProductTypeSchema = Type.Union(PRODUCT_TYPES.map((t) => Type.Literal(t)));

export const StockEntry = Type.Object({
  idwarehouse: Type.Integer(),
  stock: Type.Integer(),
  reserved: Type.Integer(),
  reservedbackorders: Type.Integer(),
  reservedpicklists: Type.Integer(),
  reservedallocations: Type.Integer(),
  freestock: Type.Integer(),
});

export const Product = Type.Object({
  idproduct: Type.Integer(),
  productcode: Type.String(),
  name: Type.String(),
  price: Type.Number(),
  fixedstockprice: Nullable(Type.Number()),
  idsupplier: Nullable(Type.Integer()),
  productcode_supplier: Nullable(Type.String()),
  type: ProductTypeSchema,
  active: Type.Boolean(),
  barcode: Nullable(Type.String()),
  weight: Nullable(Type.Integer()),
  description: Nullable(Type.String()),
  minimum_purchase_quantity: Type.Integer(),
  purchase_in_quantities_of: Type.Integer(),
  created: Type.String(),
  updated: Type.String(),
  stock: Type.Array(StockEntry),
});

const productFields = {
  productcode: Type.String({ minLength: 1, maxLength: 100 }),
  name: Name,
  price: Price,
  fixedstockprice: Nullable(Price),
  idsupplier: Nullable(Id),
  productcode_supplier: Nullable(Text(100)),
  type: ProductTypeSchema,
  active: Type.Boolean(),
  barcode: Nullable(Text(100)),
  /** Grams. */
  weight: Nullable(Type.Integer({ minimum: 0, maximum: 1_000_000_000 })),
  description: Nullable(Text(10_000)),
  /** Purchase advice orders at least this many (0: no minimum). */
  minimum_purchase_quantity: Type.Integer({ minimum: 0, maximum: 1_000_000_000 }),
  /** Purchase advice orders in multiples of this (0 or 1: any amount). */
  purchase_in_quantities_of: Type.Integer({ minimum: 0, maximum: 1_000_000_000 }),
};
export const ProductUpdate = Type.Partial(Type.Object(productFields));
export const ProductCreate = Type.Object({
  ...ProductUpdate.properties,
  productcode: productFields.productcode,
  name: productFields.name,
});
export const ProductQuery = Type.Object({
  offset: Type.Optional(Offset),
  productcode: Type.Optional(Text(100)),
  search: Type.Optional(Text()),
  type: Type.Optional(ProductTypeSchema),
  idsupplier: Type.Optional(Id),
  idproducts: Type.Optional(
    Type.Array(Type.String({ maxLength: 10_000 }), {
      maxItems: 1000,
      description: 'Only these products: idproducts=1,2 or idproducts[]=1&idproducts[]=2',
    }),
  ),
  /** true: inactive products are listed too (by default only active ones are). */
  inactive: Type.Optional(QueryBool),
});
export type ProductCreate = Static<typeof ProductCreate>;
export type ProductUpdate = Static<typeof ProductUpdate>;
export type ProductQuery = Static<typeof ProductQuery>;

export const Part = Type.Object({
  idproduct_part: Type.Integer(),
  idproduct: Type.Integer(),
  amount: Type.Integer(),
  productcode: Type.String(),
  name: Type.String(),
  type: ProductTypeSchema,
});
const PartAmount = Type.Integer({ minimum: 1, maximum: 1_000_000 });
export const PartCreate = Type.Object({ idproduct: Id, amount: PartAmount });
export const PartUpdate = Type.Object({ amount: PartAmount });

// Customers and suppliers share their fields.

const partyFields = {
  name: Name,
  contactname: Nullable(Text()),
  emailaddress: Nullable(Type.String({ maxLength: 255, pattern: '^([^@\\s]+@[^@\\s]+)?$' })),
  telephone: Nullable(Text(50)),
  /** Language of mails to this party (ISO 639-1, e.g. "nl", "en"). */
  language: Type.String({ pattern: '^[a-z]{2}$' }),
  address: Nullable(Text()),
  address2: Nullable(Text()),
  zipcode: Nullable(Text(20)),
  city: Nullable(Text()),
  region: Nullable(Text()),
  country: Nullable(Type.String({ pattern: '^([A-Z]{2})?$', description: 'ISO 3166-1 alpha-2' })),
};
const partyResponse = {
  name: Type.String(),
  contactname: Nullable(Type.String()),
  emailaddress: Nullable(Type.String()),
  telephone: Nullable(Type.String()),
  language: Type.String(),
  address: Nullable(Type.String()),
  address2: Nullable(Type.String()),
  zipcode: Nullable(Type.String()),
  city: Nullable(Type.String()),
  region: Nullable(Type.String()),
  country: Nullable(Type.String()),
  created: Type.String(),
  updated: Type.String(),
};
export const Customer = Type.Object({
  idcustomer: Type.Integer(),
  customerid: Nullable(Type.String()),
  ...partyResponse,
});
export const Supplier = Type.Object({ idsupplier: Type.Integer(), ...partyResponse });
export const PartyUpdate = Type.Partial(Type.Object(partyFields));
export const PartyCreate = Type.Object({ ...PartyUpdate.properties, name: partyFields.name });
export const PartyQuery = Type.Object({
  offset: Type.Optional(Offset),
  search: Type.Optional(Text()),
});
export const CustomerQuery = Type.Object({
  ...PartyQuery.properties,
  customerid: Type.Optional(Type.String({ maxLength: 64, description: 'The customer number, exactly' })),
});
export type CustomerQuery = Static<typeof CustomerQuery>;
export type PartyCreate = Static<typeof PartyCreate>;
export type PartyUpdate = Static<typeof PartyUpdate>;
export type PartyQuery = Static<typeof PartyQuery>;
