import {
  FFMPEG_PREAMBLE,
  OUTPUT_NAME,
  UnusableVideo,
  masterPlaylist,
  parseProbe,
  planRenditions,
  posterArgs,
  renditionArgs,
} from '../../src/media/hls';
import { parseRange, signPlaylist } from '../../src/media/playback';
import { isValidSignature, signAsset } from '../../src/media/signing';
import type { VideoAssetRow } from '../../src/media/assets';

describe('renditions: the ladder up to the source height, never upscaled', () => {
  test.each([
    [1920, 1080, [360, 720, 1080]],
    [3840, 2160, [360, 720, 1080]],
    [1280, 720, [360, 720]],
    [640, 360, [360]],
    [1000, 700, [360]],
    [320, 180, [180]],
    [321, 181, [182]],
  ])('%ix%i → %j', (width, height, heights) => {
    const plans = planRenditions({ width, height });
    expect(plans.map((plan) => plan.height)).toEqual(heights);
    for (const plan of plans) expect(plan.width % 2).toBe(0);
  });

  test('a 16:9 source keeps its shape', () => {
    expect(planRenditions({ width: 1920, height: 1080 }).map((plan) => plan.width)).toEqual([640, 1280, 1920]);
  });
});

describe('probe: what cannot be converted is a readable reason', () => {
  test.each([
    ['not JSON', 'nonsense', 'could not be read'],
    ['no streams', '{"format":{"duration":"2"}}', 'no video stream'],
    ['audio only', '{"streams":[{"codec_type":"audio"}],"format":{"duration":"2"}}', 'no video stream'],
    ['no duration', '{"streams":[{"codec_type":"video","width":640,"height":360}],"format":{}}', 'no duration'],
  ])('%s', (_name, json, message) => {
    expect(() => parseProbe(json)).toThrow(UnusableVideo);
    expect(() => parseProbe(json)).toThrow(message);
  });

  test('a portrait phone video (rotated 90°) is measured upright', () => {
    const probed = parseProbe(
      JSON.stringify({
        streams: [{ codec_type: 'video', width: 1920, height: 1080, tags: { rotate: '90' } }, { codec_type: 'audio' }],
        format: { duration: '3.5' },
      })
    );
    expect(probed).toEqual({ width: 1080, height: 1920, durationSeconds: 3.5, hasAudio: true });
  });
});

describe('ffmpeg arguments hold no user text', () => {
  test('a rendition names only the linked source and its own outputs, 6 s segments', () => {
    const args = renditionArgs('source', planRenditions({ width: 1280, height: 720 })[1], true);
    expect(args).toContain('source');
    expect(args.slice(args.indexOf('-hls_time'), args.indexOf('-hls_time') + 2)).toEqual(['-hls_time', '6']);
    expect(args[args.length - 1]).toBe('720p.m3u8');
    expect(args).toContain('720p_%05d.ts');
  });

  test('every run starts with the one preamble: quiet, no terminal input, outputs overwritten', () => {
    const source = { width: 1280, height: 720, durationSeconds: 4, hasAudio: false };
    for (const args of [renditionArgs('source', planRenditions(source)[0], false), posterArgs('source', source)]) {
      expect(args.slice(0, FFMPEG_PREAMBLE.length)).toEqual(['-hide_banner', '-nostdin', '-loglevel', 'error', '-y']);
    }
  });

  test('the master playlist names each rendition with its bandwidth and resolution', () => {
    const text = masterPlaylist(
      [
        { height: 360, width: 640, bandwidth: 900_000 },
        { height: 720, width: 1280, bandwidth: 3_000_000 },
      ],
      true
    );
    expect(text).toContain('#EXT-X-STREAM-INF:BANDWIDTH=900000,RESOLUTION=640x360');
    expect(text.trim().split('\n').pop()).toBe('720p.m3u8');
  });

  test.each([
    ['master.m3u8', true],
    ['720p.m3u8', true],
    ['720p_00012.ts', true],
    ['poster.jpg', true],
    ['../master.m3u8', false],
    ['720p_1.ts', false],
    ['source', false],
    ['master.m3u8/..', false],
  ])('output name %s served: %s', (name, served) => {
    expect(OUTPUT_NAME.test(name)).toBe(served);
  });
});

describe('signatures', () => {
  const query = (signature: { u: number; e: number; s: string }) => ({
    u: String(signature.u),
    e: String(signature.e),
    s: signature.s,
  });

  test('valid for its asset until it expires, never for another asset or user', () => {
    const now = Date.now();
    const signature = signAsset('asset0000001', 7, now);
    expect(isValidSignature('asset0000001', query(signature), now)).toBe(true);
    expect(isValidSignature('asset0000002', query(signature), now)).toBe(false);
    expect(isValidSignature('asset0000001', { ...query(signature), u: '8' }, now)).toBe(false);
    expect(isValidSignature('asset0000001', query(signature), signature.e * 1000 + 1)).toBe(false);
    expect(isValidSignature('asset0000001', {}, now)).toBe(false);
    expect(isValidSignature('asset0000001', { ...query(signature), s: ['x'] }, now)).toBe(false);
  });

  test('every URI of a playlist is signed; anything else is dropped', () => {
    const asset = { publicId: 'asset0000001' } as VideoAssetRow;
    const signature = signAsset('asset0000001', 7);
    const text = signPlaylist('#EXTM3U\n#EXTINF:6.0,\n720p_00000.ts\n../../etc/passwd\n', asset, signature);
    const lines = text.split('\n');
    expect(lines[2]).toMatch(/^\/api\/videos\/asset0000001\/hls\/720p_00000\.ts\?u=7&e=\d+&s=/);
    expect(lines[3]).toBe('');
  });
});

describe('ranges', () => {
  test.each([
    ['bytes=0-99', 1000, { start: 0, end: 99 }],
    ['bytes=900-', 1000, { start: 900, end: 999 }],
    ['bytes=-100', 1000, { start: 900, end: 999 }],
    ['bytes=500-5000', 1000, { start: 500, end: 999 }],
    ['bytes=1000-', 1000, 'unsatisfiable'],
    ['bytes=5-1', 1000, 'unsatisfiable'],
    ['bytes=0-1,5-6', 1000, null],
    ['items=0-1', 1000, null],
    [undefined, 1000, null],
  ])('%s of %i bytes → %j', (header, size, expected) => {
    expect(parseRange(header, size)).toEqual(expected);
  });
});
