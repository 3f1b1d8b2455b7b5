'use strict';
// Shared steps of `npm start` and `npm test`. Node built-ins only: they run before anything is installed.
const { execFileSync, spawnSync } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function log(message) {
  console.log(`[lyceum] ${message}`);
}

/** Installs dependencies when node_modules is missing or older than the lockfile. */
function installDependencies() {
  const lockfile = path.join(root, 'package-lock.json');
  const stamp = path.join(root, 'node_modules', '.lyceum-installed');
  const isCurrent =
    fs.existsSync(stamp) && fs.existsSync(lockfile) && fs.statSync(stamp).mtimeMs >= fs.statSync(lockfile).mtimeMs;
  if (isCurrent) return;
  log('installing dependencies (first run takes a few minutes)…');
  // `npm ci` cannot be used: the registry lacks some optional platform packages the lockfile would need to list.
  const result = spawnSync(npm, ['install', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (result.status !== 0) throw new Error('npm install failed');
  fs.writeFileSync(stamp, new Date().toISOString());
}

const secret = () => crypto.randomBytes(24).toString('base64');

const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
function base58btc(bytes) {
  const digits = [];
  for (const byte of bytes) {
    let carry = byte;
    for (let index = 0; index < digits.length; index += 1) {
      carry += digits[index] << 8;
      digits[index] = carry % 58;
      carry = Math.floor(carry / 58);
    }
    while (carry > 0) {
      digits.push(carry % 58);
      carry = Math.floor(carry / 58);
    }
  }
  let zeros = '';
  for (const byte of bytes) {
    if (byte !== 0) break;
    zeros += '1';
  }
  return (
    zeros +
    digits
      .reverse()
      .map((digit) => BASE58[digit])
      .join('')
  );
}

/**
 * A fresh Ed25519 key that signs Open Badges credentials, as a Multikey secret key: `z` + base58btc of the multicodec
 * header 0x8026 and a 32-byte random seed (README "Configuration", CREDENTIAL_SIGNING_KEY).
 */
const credentialSigningKey = () => `z${base58btc(Buffer.concat([Buffer.from([0x80, 0x26]), crypto.randomBytes(32)]))}`;

/**
 * A fresh VAPID key pair for web push (README "Web push"): P-256, the public key uncompressed and the private key's 32
 * bytes, both base64url, as the web-push package and browsers take them. OpenSSL drops a private key's leading zero
 * bytes (one key in 256), which web-push would refuse: they are put back.
 */
function vapidKeyPair() {
  const ecdh = crypto.createECDH('prime256v1');
  ecdh.generateKeys();
  const privateKey = ecdh.getPrivateKey();
  return {
    publicKey: ecdh.getPublicKey().toString('base64url'),
    privateKey: Buffer.concat([Buffer.alloc(32 - privateKey.length), privateKey]).toString('base64url'),
  };
}

/** The VAPID lines of a new .env. */
function vapidKeyLines() {
  const { publicKey, privateKey } = vapidKeyPair();
  return [`VAPID_PUBLIC_KEY=${publicKey}`, `VAPID_PRIVATE_KEY=${privateKey}`, 'VAPID_SUBJECT=mailto:admin@localhost'];
}

/** Writes .env with fresh random secrets on first run; never overwrites an existing one (only adds a key it lacks). */
function ensureEnvFile() {
  const envFile = path.join(root, '.env');
  if (fs.existsSync(envFile)) {
    // A .env made before the sandbox payment provider existed gets its key, so the demo can still buy a course.
    const text = fs.readFileSync(envFile, 'utf8');
    if (!/^PAYMENTS_SANDBOX_SECRET=/m.test(text)) {
      fs.appendFileSync(envFile, `${text.endsWith('\n') ? '' : '\n'}PAYMENTS_SANDBOX_SECRET=${secret()}\n`);
      log('added PAYMENTS_SANDBOX_SECRET to .env');
    }
    // A .env made before signed credentials gets a signing key; existing certificates are then signed by a job.
    const current = fs.readFileSync(envFile, 'utf8');
    if (!/^CREDENTIAL_SIGNING_KEY=/m.test(current)) {
      fs.appendFileSync(
        envFile,
        `${current.endsWith('\n') ? '' : '\n'}CREDENTIAL_SIGNING_KEY=${credentialSigningKey()}\n`
      );
      log('added CREDENTIAL_SIGNING_KEY to .env');
    }
    // A .env made before video playback gets the key that signs video URLs (README "Video").
    const withKeys = fs.readFileSync(envFile, 'utf8');
    if (!/^VIDEO_URL_SECRET=/m.test(withKeys)) {
      fs.appendFileSync(envFile, `${withKeys.endsWith('\n') ? '' : '\n'}VIDEO_URL_SECRET=${secret()}\n`);
      log('added VIDEO_URL_SECRET to .env');
    }
    // A .env made before web push gets a VAPID key pair.
    const withVideo = fs.readFileSync(envFile, 'utf8');
    if (!/^VAPID_PUBLIC_KEY=/m.test(withVideo) && !/^VAPID_PRIVATE_KEY=/m.test(withVideo)) {
      fs.appendFileSync(envFile, `${withVideo.endsWith('\n') ? '' : '\n'}${vapidKeyLines().join('\n')}\n`);
      log('added VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY to .env');
    }
    return;
  }
  const lines = [
    '# Made by `npm start` on first run. Secrets are random; keep this file out of git.',
    'HOST=0.0.0.0',
    'PORT=1337',
    `APP_KEYS=${[secret(), secret(), secret(), secret()].join(',')}`,
    `API_TOKEN_SALT=${secret()}`,
    `ADMIN_JWT_SECRET=${secret()}`,
    `TRANSFER_TOKEN_SALT=${secret()}`,
    `JWT_SECRET=${secret()}`,
    `ENCRYPTION_KEY=${secret()}`,
    // The sandbox payment provider's webhook key (outside production only; README "Commerce").
    `PAYMENTS_SANDBOX_SECRET=${secret()}`,
    // Signs the Open Badges credentials of certificates (README "Certificates"). Rotate by moving its public key to
    // CREDENTIAL_PREVIOUS_KEYS (printed at GET /.well-known/did.json) and writing a new one here.
    `CREDENTIAL_SIGNING_KEY=${credentialSigningKey()}`,
    // Signs the playback URLs of videos (README "Video"); changing it ends every URL issued before.
    `VIDEO_URL_SECRET=${secret()}`,
    // Web push (README "Web push"): the key pair browsers subscribe with; changing it orphans every subscription.
    ...vapidKeyLines(),
    'DATABASE_CLIENT=sqlite',
    'DATABASE_FILENAME=.tmp/data.db',
    'STRAPI_TELEMETRY_DISABLED=true',
    '',
  ];
  fs.writeFileSync(envFile, lines.join('\n'), { mode: 0o600 });
  log('created .env with random secrets');
}

function buildPlugins() {
  execFileSync(process.execPath, [path.join(root, 'scripts', 'build-plugins.js')], { cwd: root, stdio: 'inherit' });
}

const strapiBin = path.join(root, 'node_modules', '.bin', 'strapi');

/** A fingerprint of everything `strapi build` reads, so an unchanged tree is not rebuilt. */
function sourceFingerprint() {
  const hash = crypto.createHash('sha256');
  // The documentation plugin rewrites its spec (with a generation date) under src/ at every boot: counting it would
  // make each test run or start rebuild the admin panel for nothing.
  const generated = new Set([path.join(root, 'src', 'extensions', 'documentation')]);
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (['node_modules', 'dist', '.tmp'].includes(entry.name)) continue;
      const full = path.join(dir, entry.name);
      if (generated.has(full)) continue;
      if (entry.isDirectory()) walk(full);
      else hash.update(full).update(fs.readFileSync(full));
    }
  };
  for (const dir of ['src', 'config', 'types']) if (fs.existsSync(path.join(root, dir))) walk(path.join(root, dir));
  for (const file of ['package-lock.json', 'tsconfig.json']) hash.update(fs.readFileSync(path.join(root, file)));
  return hash.digest('hex');
}

/** `strapi build` (server and admin panel) unless dist/ already holds a build of this very tree. */
function buildApp(env) {
  const stamp = path.join(root, 'dist', '.lyceum-build');
  const fingerprint = sourceFingerprint();
  if (fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === fingerprint) return;
  log('building the app and the admin panel…');
  const build = spawnSync(strapiBin, ['build'], { cwd: root, stdio: 'inherit', env });
  if (build.status !== 0) {
    log('build failed');
    process.exit(build.status || 1);
  }
  fs.writeFileSync(stamp, fingerprint);
}

/** The first of `which <name>`, or undefined. */
function which(name) {
  const found = spawnSync('which', [name], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.trim() : undefined;
}

/** Chromium for the browser tests: CHROMIUM_PATH, else `chromium` on PATH, else Debian's path. */
function findChromium() {
  return [process.env.CHROMIUM_PATH, which('chromium'), '/usr/bin/chromium'].find(
    (file) => file && fs.existsSync(file)
  );
}

/**
 * Installs a Debian package when this process may (root, or sudo without a password). `purpose` ends each message
 * that says why it could not (what is skipped without it). Returns whether the install succeeded.
 */
function installDebianPackage(pkg, purpose) {
  if (!which('apt-get')) {
    log(`${pkg} not found and apt-get is not available: ${purpose}`);
    return false;
  }
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const canSudo = !isRoot && which('sudo') && spawnSync('sudo', ['-n', 'true']).status === 0;
  if (!isRoot && !canSudo) {
    log(`${pkg} not found, and installing it needs root: \`sudo apt-get install ${pkg}\`; ${purpose}`);
    return false;
  }
  const aptGet = (...args) => {
    const command = isRoot ? ['apt-get', ...args] : ['sudo', '-n', 'apt-get', ...args];
    return (
      spawnSync(command[0], command.slice(1), {
        stdio: 'inherit',
        env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      }).status === 0
    );
  };
  log(`installing Debian's ${pkg} package…`);
  const install = () => aptGet('install', '-y', '--no-install-recommends', pkg);
  // The package lists are refreshed only when needed: an update is slow and the lists are usually current.
  if (!install() && !(aptGet('update') && install())) {
    log(`installing ${pkg} failed: ${purpose}`);
    return false;
  }
  return true;
}

/**
 * Finds Chromium, installing Debian's `chromium` package first when it is missing and this process may. Playwright's
 * own browser download cannot work here: the network is closed to it. Returns the binary's path, or undefined after
 * saying why there is none.
 */
function ensureChromium() {
  const found = findChromium();
  if (found) return found;
  const skipped = 'browser tests will be skipped (set CHROMIUM_PATH to use one)';
  if (!installDebianPackage('chromium', skipped)) return undefined;
  const installed = findChromium();
  if (!installed)
    log('the chromium package installed, yet no chromium binary was found: browser tests will be skipped');
  return installed;
}

/** ffmpeg and ffprobe for video conversion: FFMPEG_PATH/FFPROBE_PATH, else on PATH. */
function findFfmpeg() {
  const ffmpeg = process.env.FFMPEG_PATH || which('ffmpeg');
  const ffprobe = process.env.FFPROBE_PATH || which('ffprobe');
  return ffmpeg && ffprobe ? ffmpeg : undefined;
}

/**
 * Finds ffmpeg, installing Debian's `ffmpeg` package (with ffprobe and libx264) when it is missing and this process
 * may, as for Chromium. Without it the app still runs: uploaded videos stay `queued` and `/_ready` says
 * `video: "ffmpeg_missing"` (README "Video").
 */
function ensureFfmpeg() {
  const found = findFfmpeg();
  if (found) return found;
  if (!installDebianPackage('ffmpeg', 'uploaded videos will stay queued until ffmpeg is installed (README "Video")'))
    return undefined;
  return findFfmpeg();
}

/**
 * What `npm start` and `npm run worker` do before they boot anything: install what is missing, write .env with
 * random secrets on a first run, build the plugins and the app when dist/ is missing or stale. Returns the
 * environment to run the app with.
 */
function prepareApp() {
  installDependencies();
  ensureEnvFile();
  ensureFfmpeg();
  fs.mkdirSync(path.join(root, '.tmp'), { recursive: true });
  buildPlugins();
  const env = { NODE_ENV: 'development', STRAPI_TELEMETRY_DISABLED: 'true', ...process.env };
  buildApp(env);
  return env;
}

module.exports = {
  prepareApp,
  root,
  log,
  installDependencies,
  ensureEnvFile,
  buildPlugins,
  buildApp,
  strapiBin,
  credentialSigningKey,
  findChromium,
  ensureChromium,
  vapidKeyPair,
  findFfmpeg,
  ensureFfmpeg,
};
