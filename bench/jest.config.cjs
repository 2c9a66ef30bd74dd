module.exports = {
  ...require('../jest.preset.cjs'),
  displayName: 'bench',
  rootDir: __dirname,
  // Only the short fault scenario belongs to `npm test`; the long runs are `npm run bench` and `npm run faults`.
  testMatch: ['<rootDir>/faults/**/*.int-spec.ts'],
};
