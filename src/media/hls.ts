/**
 * What a conversion produces, decided from the source's probe: the renditions (contract "Media": H.264/AAC up to the
 * source's height among 360p, 720p and 1080p, 6-second segments), the arguments of each ffmpeg run, the master
 * playlist. Pure, so the decisions are unit-tested without ffmpeg.
 */

export const RENDITION_HEIGHTS = [360, 720, 1080] as const;
export const SEGMENT_SECONDS = 6;

export interface ProbedVideo {
  width: number;
  height: number;
  durationSeconds: number;
  hasAudio: boolean;
}

export interface RenditionPlan {
  height: number;
  width: number;
  /** Target video bit rate, bits per second. */
  videoBitrate: number;
  audioBitrate: number;
}

export interface Rendition {
  height: number;
  width: number;
  /** Peak bits per second, as the master playlist states it. */
  bandwidth: number;
}

/** Why a file is not a video we can convert: the text the asset's `error` shows. */
export class UnusableVideo extends Error {}

interface ProbeStream {
  codec_type?: string;
  width?: number;
  height?: number;
  duration?: string;
  tags?: { rotate?: string };
  side_data_list?: Array<{ rotation?: number }>;
}

/** Reads ffprobe's JSON (`-show_format -show_streams`); throws UnusableVideo for what cannot be converted. */
export function parseProbe(json: string): ProbedVideo {
  let probe: { streams?: ProbeStream[]; format?: { duration?: string } };
  try {
    probe = JSON.parse(json);
  } catch {
    throw new UnusableVideo('the file could not be read as a video');
  }
  const streams = Array.isArray(probe.streams) ? probe.streams : [];
  const video = streams.find((stream) => stream.codec_type === 'video' && Number(stream.width) > 0);
  if (!video) throw new UnusableVideo('the file has no video stream');
  const duration = Number(probe.format?.duration ?? video.duration);
  if (!Number.isFinite(duration) || duration <= 0) throw new UnusableVideo('the video has no duration');
  const rotation = Math.abs(Number(video.tags?.rotate ?? video.side_data_list?.[0]?.rotation ?? 0)) % 180;
  const [width, height] =
    rotation === 90 ? [Number(video.height), Number(video.width)] : [Number(video.width), Number(video.height)];
  return {
    width,
    height,
    durationSeconds: Math.round(duration * 1000) / 1000,
    hasAudio: streams.some((stream) => stream.codec_type === 'audio'),
  };
}

const even = (value: number) => Math.max(2, Math.round(value / 2) * 2);

const VIDEO_BITRATES: Record<number, number> = { 360: 800_000, 720: 2_800_000, 1080: 5_000_000 };
const AUDIO_BITRATE = 128_000;

/**
 * The renditions of a source: every ladder height up to the source's; a source below 360p gets one rendition at its
 * own height (never upscaled).
 */
export function planRenditions(source: Pick<ProbedVideo, 'width' | 'height'>): RenditionPlan[] {
  const heights: number[] = RENDITION_HEIGHTS.filter((height) => height <= source.height);
  if (heights.length === 0) heights.push(even(source.height));
  return heights.map((height) => ({
    height,
    width: even((source.width * height) / source.height),
    videoBitrate: VIDEO_BITRATES[height] ?? Math.round((VIDEO_BITRATES[360] * height) / 360),
    audioBitrate: AUDIO_BITRATE,
  }));
}

export const renditionName = (height: number) => `${height}p`;

/** What every ffmpeg run starts with: quiet, no terminal input, outputs overwritten (a retry replaces them). */
export const FFMPEG_PREAMBLE: readonly string[] = ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y'];

/**
 * One rendition's ffmpeg arguments: every value is fixed or a number, and the paths are names inside the
 * conversion's own directory (ffmpeg runs with that directory as its working directory).
 */
export function renditionArgs(sourcePath: string, plan: RenditionPlan, hasAudio: boolean, threads = 1): string[] {
  const name = renditionName(plan.height);
  const kbps = (bits: number) => `${Math.round(bits / 1000)}k`;
  return [
    ...FFMPEG_PREAMBLE,
    '-i',
    sourcePath,
    '-map',
    '0:v:0',
    ...(hasAudio ? ['-map', '0:a:0'] : []),
    '-vf',
    `scale=${plan.width}:${plan.height}`,
    '-c:v',
    'libx264',
    '-preset',
    'veryfast',
    '-profile:v',
    'main',
    '-pix_fmt',
    'yuv420p',
    '-b:v',
    kbps(plan.videoBitrate),
    '-maxrate',
    kbps(plan.videoBitrate * 1.1),
    '-bufsize',
    kbps(plan.videoBitrate * 2),
    // A keyframe at every segment boundary, so each segment starts clean and is 6 s long.
    '-force_key_frames',
    `expr:gte(t,n_forced*${SEGMENT_SECONDS})`,
    '-sc_threshold',
    '0',
    '-threads',
    String(threads),
    ...(hasAudio ? ['-c:a', 'aac', '-b:a', kbps(plan.audioBitrate), '-ac', '2', '-ar', '48000'] : []),
    '-f',
    'hls',
    '-hls_time',
    String(SEGMENT_SECONDS),
    '-hls_playlist_type',
    'vod',
    '-hls_segment_filename',
    `${name}_%05d.ts`,
    `${name}.m3u8`,
  ];
}

/** The poster: one frame a second in (or mid-way through a shorter video), at most 720 lines high. */
export function posterArgs(sourcePath: string, source: ProbedVideo): string[] {
  const at = Math.min(1, source.durationSeconds / 2);
  const height = Math.min(720, even(source.height));
  return [
    ...FFMPEG_PREAMBLE,
    '-ss',
    at.toFixed(3),
    '-i',
    sourcePath,
    '-frames:v',
    '1',
    '-vf',
    `scale=-2:${height}`,
    '-q:v',
    '3',
    'poster.jpg',
  ];
}

export const PROBE_ARGS = (sourcePath: string) => [
  '-v',
  'error',
  '-print_format',
  'json',
  '-show_format',
  '-show_streams',
  sourcePath,
];

/** The master playlist naming each rendition's playlist (relative URIs, signed when served). */
export function masterPlaylist(renditions: Rendition[], hasAudio: boolean): string {
  const codecs = hasAudio ? 'avc1.4d401f,mp4a.40.2' : 'avc1.4d401f';
  const lines = ['#EXTM3U', '#EXT-X-VERSION:3', '#EXT-X-INDEPENDENT-SEGMENTS'];
  for (const rendition of renditions) {
    lines.push(
      `#EXT-X-STREAM-INF:BANDWIDTH=${rendition.bandwidth},RESOLUTION=${rendition.width}x${rendition.height},CODECS="${codecs}"`,
      `${renditionName(rendition.height)}.m3u8`
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Names of the files a conversion outputs: the only names the signed route serves (no path can be formed). */
export const OUTPUT_NAME = /^(?:master\.m3u8|poster\.jpg|\d{3,4}p\.m3u8|\d{3,4}p_\d{5}\.ts)$/;

export function mimeOfOutput(name: string): string {
  if (name.endsWith('.m3u8')) return 'application/vnd.apple.mpegurl';
  if (name.endsWith('.ts')) return 'video/mp2t';
  return 'image/jpeg';
}
