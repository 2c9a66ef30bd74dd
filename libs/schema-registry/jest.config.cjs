module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'schema-registry-core',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.(spec|int-spec|e2e-spec).ts', '<rootDir>/test/**/*.(spec|int-spec|e2e-spec).ts'],
};
