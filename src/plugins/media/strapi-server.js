'use strict';

// The plugin's server code (server/src) is compiled with the app into dist/, beside the core it shares with the
// other plugins (video assets, conversion and playback are the core's: src/media).
module.exports = require('../../../dist/src/plugins/media/server/src/index.js').default;
