import { defineConfig } from 'vitest/config';

// One run covers every tier: unit tests beside the code, integration tests (`*.int.test.ts`)
// against real PostgreSQL started once for the whole run by the global setup.
export default defineConfig({
  test: {
    globalSetup: ['./postgres/src/testing/global-setup.ts'],
    include: [
      '{contracts,postgres,eventstore,projections,backend,api-client,sandbox,bench}/src/**/*.test.ts',
    ],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
