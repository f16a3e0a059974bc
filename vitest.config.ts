import { defineConfig } from 'vitest/config';

// Integration tests start real servers (snmpsim, snmpd, influxdb, victoria-metrics, chromium):
// they get long timeouts, and files run two at a time on this two-core machine.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
    setupFiles: ['test/helpers/setup.ts'],
    reporters: ['default'],
  },
});
