/** Datetimes travel as "YYYY-MM-DD HH:MM:SS" (UTC), dates as "YYYY-MM-DD", as in Picqer's API. */

export type Clock = () => Date;
export const systemClock: Clock = () => new Date();

export function formatDateTime(d: Date): string {
  return d.toISOString().slice(0, 19).replace('T', ' ');
}

export function formatDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?$/;

/** Parses a Picqer date or datetime; undefined when it is not a real calendar moment. */
export function parseDateTime(value: string): Date | undefined {
  const m = DATETIME.exec(value) ?? DATE.exec(value);
  if (!m) return undefined;
  const [y, mo, d, h = '0', mi = '0', s = '0'] = m.slice(1);
  const date = new Date(Date.UTC(+y!, +mo! - 1, +d!, +h, +mi, +s));
  if (date.getUTCMonth() !== +mo! - 1 || date.getUTCDate() !== +d! || +h > 23 || +mi > 59 || +s > 59)
    return undefined;
  return date;
}

export function isValidDate(value: string): boolean {
  return DATE.test(value) && parseDateTime(value) !== undefined;
}

/** Normalises a filter value ("2022-01-01" or "2022-01-01 12:00[:00]") to the stored datetime form. */
export function normaliseDateTime(value: string): string | undefined {
  const d = parseDateTime(value);
  return d ? formatDateTime(d) : undefined;
}

export function addDays(date: string, days: number): string {
  const d = parseDateTime(date);
  if (!d) throw new Error(`not a date: ${date}`);
  d.setUTCDate(d.getUTCDate() + days);
  return formatDate(d);
}
