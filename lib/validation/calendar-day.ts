/**
 * A calendar day as people type it in filters (YYYY-MM-DD, UTC). Checked by real parsing, not by
 * shape alone: 2026-99-99 or 2026-02-30 are refused here instead of becoming an Invalid Date
 * (and a 500) in a query.
 */
import { z } from "zod";

export function isCalendarDay(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const time = Date.parse(`${value}T00:00:00.000Z`);
  return Number.isFinite(time) && new Date(time).toISOString().slice(0, 10) === value;
}

export const calendarDaySchema = z.string().refine(isCalendarDay, "must be a real date like 2026-11-27");

/** Midnight UTC at the start of a valid calendar day. */
export function startOfDay(day: string): Date {
  return new Date(`${day}T00:00:00.000Z`);
}
