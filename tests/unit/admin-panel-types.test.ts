import { spawnSync } from 'child_process';
import path from 'path';

/**
 * The admin-panel parts of the local plugins (src/plugins/<name>/admin) are bundled by `strapi build`, which
 * does not type-check them: this does, with the admin tsconfig (React, DOM, bundler resolution).
 */
test('the admin-panel code type-checks', () => {
  const root = path.resolve(__dirname, '../..');
  const tsc = require.resolve('typescript/bin/tsc', { paths: [root] });
  const result = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'src/admin/tsconfig.json'), '--noEmit'], { cwd: root, encoding: 'utf8' });
  expect(`${result.stdout}${result.stderr}`.trim()).toBe('');
  expect(result.status).toBe(0);
});
