// The whole system from outside and the tests that compose several apps or libs against the real broker and database.
module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'system-e2e',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.(spec|int-spec|e2e-spec).ts'],
};
