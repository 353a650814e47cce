// W3C datetimes (the Open311 subset of ISO 8601, with a timezone): written in Beijing time, read in any offset.

const BEIJING_MS = 8 * 3_600_000;

/** 2026-11-23T10:00:00+08:00 */
export function toW3c(d: Date): string {
  return `${new Date(d.getTime() + BEIJING_MS).toISOString().slice(0, 19)}+08:00`;
}

// A '+' sent unencoded in a query string arrives as a space: " 08:00" is read as "+08:00".
const W3C = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+\- ]\d{2}:\d{2}))?$/;

/** A date alone is midnight in Beijing; a time needs its offset. Undefined when the value is not a W3C datetime. */
export function parseW3c(value: string): Date | undefined {
  const m = W3C.exec(value.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, tz] = m;
  if (h !== undefined && tz === undefined) return undefined;
  const offset = tz === undefined ? '+08:00' : tz === 'Z' ? 'Z' : `${tz[0] === '-' ? '-' : '+'}${tz.slice(1)}`;
  const iso = `${y}-${mo}-${d}T${h ?? '00'}:${mi ?? '00'}:${s ?? '00'}${frac ?? ''}${offset}`;
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return undefined;
  // Date.parse rolls 2026-02-30 over to March: refuse a day the calendar does not have.
  const local = new Date(t + (offset === 'Z' ? 0 : (offset[0] === '-' ? -1 : 1) * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4))) * 60_000));
  if (local.getUTCDate() !== Number(d) || local.getUTCMonth() + 1 !== Number(mo)) return undefined;
  return new Date(t);
}

/** A deadline as people read it: a due time at Beijing midnight is the end of the day before (24:00). */
export function beijingDeadline(d: Date): string {
  const local = new Date(d.getTime() + BEIJING_MS);
  const midnight = local.getUTCHours() === 0 && local.getUTCMinutes() === 0;
  const day = midnight ? new Date(local.getTime() - 86_400_000) : local;
  const date = `${day.getUTCFullYear()}年${day.getUTCMonth() + 1}月${day.getUTCDate()}日`;
  return midnight ? `${date} 24:00` : `${date} ${local.toISOString().slice(11, 16)}`;
}
