/** @type {import('jest').Config} */
module.exports = {
  rootDir: __dirname,
  testMatch: ['<rootDir>/tests/**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tests/tsconfig.json', isolatedModules: true }],
    // ESM-only dependencies Node 20 requires natively and jest cannot: the REST cache's memory provider, and
    // the $ref resolver of @apidevtools/swagger-parser (the OpenAPI document's validator in the tests).
    '/node_modules/(quick-lru|@apidevtools/json-schema-ref-parser)/.+\\.js$': [
      'ts-jest',
      { tsconfig: { allowJs: true, module: 'commonjs' }, isolatedModules: true },
    ],
  },
  transformIgnorePatterns: ['/node_modules/(?!quick-lru/|@apidevtools/json-schema-ref-parser/)'],
  testEnvironment: 'node',
  setupFiles: ['<rootDir>/tests/helpers/env.ts'],
  globalSetup: '<rootDir>/tests/helpers/global-setup.ts',
  globalTeardown: '<rootDir>/tests/helpers/global-teardown.ts',
  modulePathIgnorePatterns: ['<rootDir>/dist/', '<rootDir>/build/'],
  testTimeout: 120000,
  // Two Strapi instances at a time fit this machine (2 cores); each test file has its own database.
  maxWorkers: 2,
  // Each file loads its own copy of Strapi's modules into the worker, and not all of it is collected: a worker that
  // has run many files grows past several GB (more with coverage) and slows everything down. A worker over this
  // after a file is replaced by a fresh one.
  workerIdleMemoryLimit: '1200MB',
  // Coverage (only when asked: `COVERAGE=1 npm test` or `npm test -- --coverage`). The tests boot Strapi from the
  // compiled dist/ in the test process, so V8 measures dist/**/*.js and maps it back to src/**/*.ts through the
  // inline source maps tsc writes; files no test loads count as uncovered.
  coverageProvider: 'v8',
  // Only src/ (not config/, database/migrations): the floor is a share of src/. Unit tests load src/**/*.ts
  // itself (through ts-jest); both land on the same src/ file. The admin UI (src/admin, src/plugins/*/admin) runs in
  // a browser, never in jest, and is not compiled into dist/.
  collectCoverageFrom: [
    '<rootDir>/dist/src/**/*.js',
    '<rootDir>/src/**/*.ts',
    '!<rootDir>/src/admin/**',
    '!<rootDir>/src/plugins/*/admin/**',
    '!**/*.d.ts',
  ],
  coverageReporters: ['text-summary', 'json-summary', 'lcov'],
  coverageDirectory: '<rootDir>/coverage',
};
