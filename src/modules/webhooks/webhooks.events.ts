/**
 * The events a hook can subscribe to: one event per hook, as in Picqer. The Picqer names are the ones
 * Stockroom emits (reference/picqer-api.md 12.4); the backorders.* events are Stockroom's extension
 * (the backorder lifecycle of seed 002), since Picqer itself has no backorder events.
 */
export const WEBHOOK_EVENTS = [
  'products.created',
  'products.changed',
  'products.parts.changed',
  'products.stock_changed',
  'products.stock_on_location_changed',
  'products.free_stock_changed',
  'orders.created',
  'orders.allocated',
  'orders.closed',
  'orders.status_changed',
  'orders.completed',
  'picklists.created',
  'picklists.closed',
  'picklists.cancelled',
  'picklists.changed',
  'picklists.paused',
  'picklists.resumed',
  'picklists.snoozed',
  'picklists.unsnoozed',
  'purchase_orders.created',
  'purchase_orders.changed',
  'purchase_orders.purchased',
  'receipts.created',
  'receipts.product_received',
  'receipts.product_reverted',
  'receipts.completed',
  'backorders.created',
  'backorders.updated',
  'backorders.deleted',
  'backorders.confirmed',
  'backorders.fulfilled',
  'backorders.cancelled',
  'backorders.estimate_updated',
  'backorders.inventory_arrived',
  'backorders.delay_noticed',
] as const;

export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

const known: ReadonlySet<string> = new Set(WEBHOOK_EVENTS);

export function isWebhookEvent(name: string): name is WebhookEvent {
  return known.has(name);
}
