'use strict';

// The plugin's server code (server/src) is compiled with the app into dist/, beside the core it shares with the
// other plugins (the audit trail itself is the core's: src/audit).
module.exports = require('../../../dist/src/plugins/audit/server/src/index.js').default;
