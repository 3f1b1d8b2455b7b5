import { promises as fs } from 'fs';
import os from 'os';
import path from 'path';
import type { Core } from '@strapi/strapi';
import { isFfmpegAvailable, runTool } from '../media/ffmpeg';
import { FFMPEG_PREAMBLE } from '../media/hls';

/** The demo lesson that gets a real video: "Functions" of "TypeScript from Zero". */
export const DEMO_VIDEO_LESSON_URL = 'https://example.com/videos/ts-functions.mp4';

/**
 * Gives the demo's video lesson a real uploaded video: a 6-second test pattern with a tone, made by the system ffmpeg
 * (nothing is downloaded), stored through the upload service like any upload, so its asset is converted by the job as
 * every video is. Without ffmpeg the lesson keeps its external `videoUrl` only.
 */
export async function seedDemoVideo(strapi: Core.Strapi): Promise<void> {
  if (!isFfmpegAvailable()) return;
  const lesson = await strapi
    .documents('api::lesson.lesson')
    .findFirst({ locale: 'en', filters: { videoUrl: DEMO_VIDEO_LESSON_URL }, fields: ['documentId'] });
  if (!lesson) return;
  const workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'lyceum-demo-video-'));
  try {
    await runTool(
      'ffmpeg',
      [
        ...FFMPEG_PREAMBLE,
        ...['-f', 'lavfi', '-i', 'testsrc=size=1280x720:rate=25', '-f', 'lavfi', '-i', 'sine=frequency=440'],
        ...['-t', '6', '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest'],
        'functions.mp4',
      ],
      { cwd: workDir, timeoutMs: 120_000 }
    );
    const filepath = path.join(workDir, 'functions.mp4');
    const { size } = await fs.stat(filepath);
    const [file] = (await strapi
      .plugin('upload')
      .service('upload')
      .upload({
        data: { fileInfo: { name: 'functions.mp4', alternativeText: 'TypeScript functions (demo video)' } },
        files: { filepath, originalFilename: 'functions.mp4', mimetype: 'video/mp4', type: 'video/mp4', size },
      })) as Array<{ id: number }>;
    await strapi
      .documents('api::lesson.lesson')
      .update({ documentId: lesson.documentId, locale: 'en', data: { video: file.id } as never });
    await strapi.documents('api::lesson.lesson').publish({ documentId: lesson.documentId, locale: '*' });
  } finally {
    await fs.rm(workDir, { recursive: true, force: true });
  }
}
