import { defineConfig } from 'vitest/config';

// Browser scenarios against one sandbox-mode backend per run (see src/harness/global-setup.ts). One
// file at a time: the machine is small, and the scenarios share the server.
export default defineConfig({
  test: {
    include: ['src/**/*.e2e.test.ts'],
    globalSetup: ['./src/harness/global-setup.ts'],
    testTimeout: 90_000,
    hookTimeout: 180_000,
    fileParallelism: false,
    pool: 'forks',
  },
});
