const { swcOptions } = require('./tools/swc-options.cjs');

// ESM-only packages (OIDC login of the ops dashboard): Jest on Node 20 refuses require(esm), so SWC compiles them to
// CommonJS like our own files; every other package under node_modules is loaded as it is.
const esmOnlyPackages = ['oidc-provider', 'openid-client', 'oauth4webapi', 'jose'];

module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.(ts|js)$': ['@swc/jest', { ...swcOptions, swcrc: false }] },
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnlyPackages.join('|')})/)`],
  moduleFileExtensions: ['ts', 'js', 'json'],
  testTimeout: 60_000,
};
