import { defineConfig } from 'vitest/config';

// Two projects: fast unit/adapter tests, and the integration suite against the real Asterisk
// (scripts/asterisk.sh up in its global setup) with SIPp callers. Integration files run one at a
// time: they share one Asterisk and its SIP port.
export default defineConfig({
  test: {
    reporters: ['default', './test/support/summary-reporter.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/integration/global-setup.ts'],
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
