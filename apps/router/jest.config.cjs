module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'router',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.(spec|int-spec|e2e-spec).ts', '<rootDir>/test/**/*.(spec|int-spec|e2e-spec).ts'],
};
