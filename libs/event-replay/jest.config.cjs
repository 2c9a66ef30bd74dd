module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'event-replay',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.(spec|int-spec|e2e-spec).ts', '<rootDir>/test/**/*.(spec|int-spec|e2e-spec).ts'],
};
