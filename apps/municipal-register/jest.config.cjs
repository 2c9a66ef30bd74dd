module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'municipal-register',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.(spec|int-spec|e2e-spec).ts', '<rootDir>/test/**/*.(spec|int-spec|e2e-spec).ts'],
};
