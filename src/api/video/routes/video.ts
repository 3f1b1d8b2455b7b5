// Video assets (contract "Media"); src/media has the rules. The HLS route carries no token: a player fetches
// playlists and segments with the signature the playback answer put in each URL.
const route = (method: string, path: string, action: string, config: Record<string, unknown> = {}) => ({
  method,
  path,
  handler: `api::video.video.${action}`,
  config: { policies: [], ...config },
});

export default {
  routes: [
    route('GET', '/videos/:assetId', 'show'),
    route('POST', '/videos/:assetId/retry', 'retry'),
    route('GET', '/videos/:assetId/hls/:name', 'stream', { auth: false }),
  ],
};
