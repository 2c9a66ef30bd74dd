// All projects in one run: unit specs (*.spec.ts) and tests against the real broker and database
// (*.int-spec.ts, *.e2e-spec.ts). `npm test` starts the infrastructure first (tools/test.mjs).
module.exports = {
  projects: ['<rootDir>/apps/*/jest.config.cjs', '<rootDir>/libs/*/jest.config.cjs', '<rootDir>/bench/jest.config.cjs'],
  globalSetup: '<rootDir>/tools/jest-global-setup.cjs',
  // global option: the projects' own testTimeout does not apply when all run from here
  testTimeout: 120_000,
};
