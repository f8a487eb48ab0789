import type { Db } from '../../db/transaction.ts';
import type { CatalogService } from '../catalog/catalog.service.ts';
import type { OrderCreate } from './orders.schemas.ts';

const ADDRESS_FIELDS = [
  'deliveryname',
  'deliverycontactname',
  'deliveryaddress',
  'deliveryaddress2',
  'deliveryzipcode',
  'deliverycity',
  'deliveryregion',
  'deliverycountry',
] as const;

/**
 * An order for a customer takes the customer's address and e-mail when it gives none (as Picqer
 * does): the delivery address as a whole when no delivery field is given, the e-mail address and
 * language each when absent. Fields the order gives are kept. An unknown customer is left to the
 * order service, which refuses it (error_code 25).
 *
 * @example
 * orders.create(idaccount, await withCustomerDefaults(db, catalog, idaccount, body))
 */
export async function withCustomerDefaults(
  db: Db,
  catalog: CatalogService,
  idaccount: number,
  input: OrderCreate,
): Promise<OrderCreate> {
  if (input.idcustomer === undefined || input.idcustomer === null) return input;
  let customer;
  try {
    customer = await catalog.getCustomer(db, idaccount, input.idcustomer);
  } catch {
    return input;
  }
  const given = (v: unknown) => v !== undefined && v !== null && v !== '';
  const out: OrderCreate = { ...input };
  if (!ADDRESS_FIELDS.some((f) => given(input[f]))) {
    out.deliveryname = customer.name;
    out.deliverycontactname = customer.contactname;
    out.deliveryaddress = customer.address;
    out.deliveryaddress2 = customer.address2;
    out.deliveryzipcode = customer.zipcode;
    out.deliverycity = customer.city;
    out.deliveryregion = customer.region;
    out.deliverycountry = customer.country;
  }
  if (!given(input.emailaddress)) out.emailaddress = customer.emailaddress;
  if (!given(input.language)) out.language = customer.language;
  return out;
}
