'use strict';

// The plugin is written in TypeScript under server/src; `npm run build:plugins` compiles it to dist/.
module.exports = require('./dist/plugins/messaging/server/src/index.js').default;
