module.exports = {
  ...require('../jest.preset.cjs'),
  displayName: 'bench',
  rootDir: __dirname,
  // Unit specs and the short fault scenario belong to `npm test`; the long runs are `npm run bench` and `npm run faults`.
  testMatch: ['<rootDir>/**/*.spec.ts', '<rootDir>/faults/**/*.int-spec.ts'],
};
