// The calendar arithmetic lives with the collector's figures (collector/figures/calendar.ts, which the collector
// runs without importing dashboard/); the dashboard, reports and pages keep importing it from here.
export * from '../collector/figures/calendar.ts';
