'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { timedRow } = require('./timing');
// The video rows (issue #23, "Measure"):
// - `video-conversion`: a 60-second 1080p clip with a tone, made by ffmpeg (lavfi testsrc, nothing downloaded), is
//   uploaded by the bench teacher; timed from the upload's answer until `GET /videos/:assetId` says `ready` (the job
//   makes 360p, 720p and 1080p HLS renditions and the poster), and given as its ratio to the clip's 60 s;
// - `video-playback-url`: `GET /posts/:documentId/playback` of a public video post of that clip, as the bench
//   students in turn (each answer signs a fresh HLS URL for its caller; target ≥ 1,000/s);
// - `video-segment-signed` / `video-segment-static`: the first 1080p segment through the signed route
//   (`/api/videos/:assetId/hls/1080p_00000.ts?u&e&s`), then a plain copy of the same bytes under `/uploads` served by
//   the static file server of the same process: the same size twice, in MB/s.

const CLIP_SECONDS = 60;
const POLL_MS = 250;
const CONVERSION_LIMIT_MS = 30 * 60_000;

/** The clip, made once per run in a temporary directory; null without ffmpeg. */
function makeClip(log) {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'lyceum-bench-video-'));
  const file = path.join(directory, 'bench-1080p.mp4');
  log(`making a ${CLIP_SECONDS} s 1080p test clip with ffmpeg…`);
  const made = spawnSync(
    'ffmpeg',
    [
      ...['-hide_banner', '-nostdin', '-loglevel', 'error', '-y'],
      ...['-f', 'lavfi', '-i', 'testsrc=size=1920x1080:rate=25', '-f', 'lavfi', '-i', 'sine=frequency=440'],
      ...['-t', String(CLIP_SECONDS), '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p'],
      ...['-c:a', 'aac', '-shortest', file],
    ],
    { stdio: 'inherit' }
  );
  if (made.status !== 0) {
    fs.rmSync(directory, { recursive: true, force: true });
    return null;
  }
  return { directory, file };
}

async function upload(baseUrl, token, file) {
  const form = new FormData();
  form.append('files', new Blob([fs.readFileSync(file)], { type: 'video/mp4' }), path.basename(file));
  const response = await fetch(`${baseUrl}/api/upload`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
  const body = await response.json();
  if (response.status !== 201)
    throw new Error(`bench video upload answered ${response.status}: ${JSON.stringify(body)}`);
  return body[0];
}

/**
 * Prepares the video rows: converts the clip (timed), publishes a public video post of it and finds its first
 * 1080p segment. Answers the conversion row and the three autocannon scenarios, or null without ffmpeg.
 * @param {object} bench { request(method, path, body, token), teacher (token), students: [{ token }], baseUrl,
 *   publicDir (the server's public/), log }
 */
async function prepareVideoRows({ request, teacher, students, baseUrl, publicDir, log }) {
  const clip = makeClip(log);
  if (!clip) {
    log('video rows skipped: ffmpeg could not make the clip (is the ffmpeg package installed?)');
    return null;
  }
  let staticName;
  try {
    const stored = await upload(baseUrl, teacher, clip.file);
    const assetId = stored.videoAsset.id;
    const startedAt = performance.now();
    let asset;
    for (;;) {
      asset = (await request('GET', `/api/videos/${assetId}`, undefined, teacher)).body.data;
      if (asset.status === 'ready' || asset.status === 'failed') break;
      if (performance.now() - startedAt > CONVERSION_LIMIT_MS) throw new Error('the bench video never converted');
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    const conversionMs = performance.now() - startedAt;
    const conversion = {
      ...timedRow({
        name: 'video-conversion',
        title: `conversion of a ${CLIP_SECONDS} s 1080p clip to HLS (360p, 720p, 1080p, poster)`,
        durations: [conversionMs],
        unexpected: asset.status === 'ready' ? 0 : 1,
      }),
      conversionSeconds: Math.round(conversionMs / 100) / 10,
      realTimeRatio: Math.round((conversionMs / 1000 / CLIP_SECONDS) * 100) / 100,
    };
    if (asset.status !== 'ready') return { conversion, scenarios: [] };

    const post = await request(
      'POST',
      '/api/posts',
      { kind: 'video', title: 'Bench video', video: stored.id, visibility: 'public' },
      teacher
    );
    if (post.status !== 201) throw new Error(`bench video post answered ${post.status}: ${JSON.stringify(post.body)}`);
    const postId = post.body.data.documentId;
    const playback = await request('GET', `/api/posts/${postId}/playback`, undefined, students[0].token);
    const master = await (await fetch(`${baseUrl}${playback.body.data.hlsUrl}`)).text();
    const variant = master.split('\n').find((line) => line.startsWith('/api/') && line.includes('/1080p.m3u8?'));
    const variantText = await (await fetch(`${baseUrl}${variant}`)).text();
    const segmentUrl = variantText.split('\n').find((line) => line.startsWith('/api/') && line.includes('_00000.ts?'));
    const segment = Buffer.from(await (await fetch(`${baseUrl}${segmentUrl}`)).arrayBuffer());
    // The same bytes as a plain file of the same process's static server (public/uploads).
    staticName = `bench-static-${process.pid}.ts`;
    fs.writeFileSync(path.join(publicDir, 'uploads', staticName), segment);

    let turn = 0;
    const nextStudent = () => students[turn++ % students.length];
    const segmentRow = (name, title, pathname) => ({
      name,
      title,
      requests: [{ method: 'GET', path: pathname }],
      expect: [200],
      bytesPerRequest: segment.length,
    });
    return {
      conversion,
      segmentBytes: segment.length,
      scenarios: [
        {
          name: 'video-playback-url',
          title: 'playback URL of a video post (signed for each caller, target ≥ 1,000/s)',
          requests: [
            {
              method: 'GET',
              setupRequest: (request) => ({
                ...request,
                path: `/api/posts/${postId}/playback`,
                headers: { authorization: `Bearer ${nextStudent().token}` },
              }),
            },
          ],
          expect: [200],
        },
        segmentRow(
          'video-segment-signed',
          `1080p segment through the signed route (${(segment.length / 1048576).toFixed(2)} MB)`,
          segmentUrl
        ),
        segmentRow(
          'video-segment-static',
          `the same bytes as a static file under /uploads (${(segment.length / 1048576).toFixed(2)} MB)`,
          `/uploads/${staticName}`
        ),
      ],
      cleanUp: () => fs.rmSync(path.join(publicDir, 'uploads', staticName), { force: true }),
    };
  } finally {
    fs.rmSync(clip.directory, { recursive: true, force: true });
  }
}

module.exports = { prepareVideoRows };
