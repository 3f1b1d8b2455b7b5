'use strict';

// The plugin's server code (server/src) is compiled with the app into dist/, beside the core it shares with the
// other plugins, so each shared module (caches, subscriptions) is loaded once.
module.exports = require('../../../dist/src/plugins/account/server/src/index.js').default;
