/**
 * Rule violations are thrown as a DomainError with a code; http/errors.ts maps every code to an HTTP
 * status and a Picqer error_code (adding a code without a mapping fails to compile). Normal business
 * shortfalls (not enough stock -> backorder) are returned values, never errors.
 */
export type DomainErrorCode =
  | 'not_found'
  | 'invalid_input'
  | 'invalid_state'
  | 'duplicate'
  | 'insufficient_stock'
  | 'order_missing_products'
  | 'order_line_invalid'
  | 'unknown_product'
  | 'unknown_customer'
  | 'order_processed'
  | 'product_not_on_purchaseorder'
  | 'pick_no_product'
  | 'pick_invalid_amount'
  | 'pick_product_not_found'
  | 'pick_amount_too_high'
  | 'idempotency_mismatch'
  | 'busy';

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const notFound = (what: string, id: number | string): DomainError =>
  new DomainError('not_found', `${what} ${id} not found`);
export const invalid = (message: string): DomainError => new DomainError('invalid_input', message);
export const invalidState = (message: string): DomainError => new DomainError('invalid_state', message);
