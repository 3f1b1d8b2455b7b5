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
  modulePathIgnorePatterns: ['<rootDir>/dist/', '<rootDir>/build/'],
  testTimeout: 120000,
  // Two Strapi instances at a time fit this machine (2 cores); each test file has its own database.
  maxWorkers: 2,
};
