// Calendar arithmetic in the IXPs' time zones: month bounds, local midnights across DST changes, month arithmetic.
import { describe, expect, it } from 'vitest';
import { addMonths, isMonth, monthOf, monthRange, PeriodError, tzOffset, wallClock, zonedTime } from '../../dashboard/calendar.ts';

describe('calendar', () => {
  it('months start at local midnight in each IXP zone (no DST: Maldives, Cabo Verde, Suriname)', () => {
    expect(monthRange('2026-03', 'Indian/Maldives')).toEqual({ from: Date.UTC(2026, 1, 28, 19), to: Date.UTC(2026, 2, 31, 19) });
    expect(monthRange('2026-12', 'Atlantic/Cape_Verde')).toEqual({ from: Date.UTC(2026, 11, 1, 1), to: Date.UTC(2027, 0, 1, 1) });
    expect(monthRange('2026-01', 'America/Paramaribo')).toEqual({ from: Date.UTC(2026, 0, 1, 3), to: Date.UTC(2026, 1, 1, 3) });
  });

  it('local midnights and month bounds across DST changes', () => {
    // Lisbon leaves summer time on 2026-10-25: October has 31 days and one extra hour.
    const oct = monthRange('2026-10', 'Europe/Lisbon');
    expect(oct.from).toBe(Date.UTC(2026, 8, 30, 23));
    expect(oct.to).toBe(Date.UTC(2026, 10, 1, 0));
    expect(oct.to - oct.from).toBe(31 * 86_400_000 + 3_600_000);
    // The day of the change, in New York (spring forward 2026-03-08): 23 hours.
    expect(zonedTime('America/New_York', 2026, 3, 9) - zonedTime('America/New_York', 2026, 3, 8)).toBe(23 * 3_600_000);
    expect(tzOffset(Date.UTC(2026, 6, 1), 'America/New_York')).toBe(-4 * 3_600_000);
    expect(wallClock(zonedTime('Asia/Kathmandu', 2026, 5, 1, 0, 0), 'Asia/Kathmandu')).toEqual({ y: 2026, m: 5, d: 1, h: 0, min: 0, s: 0 });
  });

  it('monthOf is the local month, not the UTC one', () => {
    expect(monthOf(Date.UTC(2026, 2, 31, 20), 'Indian/Maldives')).toBe('2026-04');
    expect(monthOf(Date.UTC(2026, 3, 1, 2), 'America/Paramaribo')).toBe('2026-03');
  });

  it('adds months across years both ways and validates YYYY-MM', () => {
    expect(addMonths('2026-11', 2)).toBe('2027-01');
    expect(addMonths('2026-01', -1)).toBe('2025-12');
    expect(addMonths('2026-05', -17)).toBe('2024-12');
    expect(isMonth('2026-13')).toBe(false);
    expect(isMonth('2026-1')).toBe(false);
    expect(() => monthRange('2026-00', 'UTC')).toThrow(PeriodError);
    expect(() => monthRange('soon', 'UTC')).toThrow(/month: 'soon' is not YYYY-MM/);
  });
});
