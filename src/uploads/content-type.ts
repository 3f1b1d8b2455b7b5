import { open } from 'fs/promises';
import path from 'path';
import mimeTypes from 'mime-types';

/**
 * What an uploaded file really is, judged from its bytes. The declared MIME type and the file name are the
 * client's word and can say anything: a page of HTML called `cover.png` and sent as `image/png` would be
 * served back from our origin (or the bucket's) and run in a visitor's browser. So the type we store is the
 * one the content shows, and content that a browser or a shell would execute is refused outright.
 */
export type ContentVerdict =
  | { accepted: true; mime: string }
  | { accepted: false; reason: 'dangerous_content' | 'file_type_not_allowed'; message: string };

/** The kinds of the media fields' `allowedTypes`, as Strapi names them. */
export type MediaKind = 'images' | 'videos' | 'audios' | 'files';

/** Documents Lyceum accepts besides images, videos and audio (the rest of the `files` kind). */
export const DOCUMENT_MIMES = [
  'application/pdf',
  'application/msword',
  'application/vnd.ms-excel',
  'application/vnd.ms-powerpoint',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  'application/vnd.oasis.opendocument.text',
  'application/vnd.oasis.opendocument.spreadsheet',
  'application/vnd.oasis.opendocument.presentation',
  'text/plain',
  'text/csv',
];

// Formats a browser renders as active content even when it is served as an "image" (SVG runs scripts).
const ACTIVE_MIMES = ['image/svg+xml', 'application/xml', 'text/xml', 'text/html', 'application/xhtml+xml'];
const EXECUTABLE_MIMES = [
  'application/x-elf',
  'application/x-msdownload',
  'application/x-dosexec',
  'application/x-mach-binary',
  'application/x-executable',
  'application/x-sharedlib',
  'application/wasm',
  'application/java-vm',
  'application/x-java-archive',
  'application/java-archive',
];

// Markup that makes a text file a web page (or an SVG image) once a browser guesses its type.
const ACTIVE_MARKUP =
  /<\s*(!doctype\s+html|html|head|body|script|iframe|svg|object|embed|frameset|\?xml|meta\s+http-equiv)\b/i;

// Detection names Office and OpenDocument files by their container; the extension tells which document it is.
const CONTAINER_DOCUMENTS: Record<string, Record<string, string>> = {
  'application/zip': {
    '.docx': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    '.pptx': 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
    '.odt': 'application/vnd.oasis.opendocument.text',
    '.ods': 'application/vnd.oasis.opendocument.spreadsheet',
    '.odp': 'application/vnd.oasis.opendocument.presentation',
  },
  'application/x-cfb': {
    '.doc': 'application/msword',
    '.xls': 'application/vnd.ms-excel',
    '.ppt': 'application/vnd.ms-powerpoint',
  },
};

export function mediaKindOf(mime: string): MediaKind {
  if (mime.startsWith('image/')) return 'images';
  if (mime.startsWith('video/')) return 'videos';
  if (mime.startsWith('audio/')) return 'audios';
  return 'files';
}

export const isAcceptedMime = (mime: string): boolean =>
  !ACTIVE_MIMES.includes(mime) &&
  (['images', 'videos', 'audios'].includes(mediaKindOf(mime)) || DOCUMENT_MIMES.includes(mime));

function hasExecutableSignature(head: Buffer): boolean {
  const text = head.subarray(0, 4).toString('latin1');
  if (text === '\x7fELF') return true;
  if (text.startsWith('MZ')) return true; // DOS/PE header of .exe, .dll, .scr, .com
  const magic = head.length >= 4 ? head.readUInt32BE(0) : 0;
  if ([0xfeedface, 0xfeedfacf, 0xcefaedfe, 0xcffaedfe].includes(magic)) return true; // Mach-O
  return /^(\ufeff)?\s*#!/.test(head.subarray(0, 256).toString('utf8')); // shell, Python, Node… scripts
}

const looksLikeText = (head: Buffer): boolean => !head.includes(0);

/**
 * The decision for one file. Pure: `head` is the start of the file, `detectedMime` what signature detection
 * found (undefined for plain text and unknown formats).
 */
export function judgeContent(input: {
  head: Buffer;
  detectedMime?: string;
  fileName: string;
  declaredMime?: string;
}): ContentVerdict {
  const { head, detectedMime, fileName, declaredMime } = input;
  const extension = path.extname(fileName).toLowerCase();
  if (hasExecutableSignature(head) || (detectedMime && EXECUTABLE_MIMES.includes(detectedMime))) {
    return { accepted: false, reason: 'dangerous_content', message: `${fileName} is a program or script` };
  }
  if (detectedMime) {
    if (ACTIVE_MIMES.includes(detectedMime))
      return { accepted: false, reason: 'dangerous_content', message: `${fileName} is markup a browser would run` };
    const mime = CONTAINER_DOCUMENTS[detectedMime]?.[extension] ?? detectedMime;
    if (!isAcceptedMime(mime))
      return {
        accepted: false,
        reason: 'file_type_not_allowed',
        message: `${fileName}: files of type ${mime} are not accepted`,
      };
    return { accepted: true, mime };
  }
  if (!looksLikeText(head)) {
    return {
      accepted: false,
      reason: 'file_type_not_allowed',
      message: `${fileName}: the file's content is of no accepted type`,
    };
  }
  if (ACTIVE_MARKUP.test(head.toString('utf8'))) {
    return { accepted: false, reason: 'dangerous_content', message: `${fileName} holds HTML or SVG markup` };
  }
  const isCsv = extension === '.csv' || declaredMime === 'text/csv';
  return { accepted: true, mime: isCsv ? 'text/csv' : 'text/plain' };
}

/**
 * A file named or sent as a video, audio or image must be one by its content. Strapi stores the name's type when
 * detection finds none (plain text called `lecture.mp4` would become `video/mp4` and be handed to the converter).
 */
function claimedMediaKind(fileName: string, declaredMime?: string): MediaKind | null {
  // The name speaks first; the declared type only for a name without a known extension.
  const claimed = mimeTypes.lookup(fileName) || declaredMime || '';
  const kind = claimed ? mediaKindOf(claimed) : 'files';
  return kind === 'files' ? null : kind;
}

const KIND_WORDS: Record<MediaKind, string> = {
  images: 'an image',
  videos: 'a video',
  audios: 'audio',
  files: 'a file',
};

function judgeClaimedKind(verdict: ContentVerdict, fileName: string, declaredMime?: string): ContentVerdict {
  if (!verdict.accepted) return verdict;
  const claimed = claimedMediaKind(fileName, declaredMime);
  if (!claimed || claimed === mediaKindOf(verdict.mime)) return verdict;
  // Video containers that also hold audio only (an .mp4 of a podcast) are detected as audio: accepted as what they are.
  if (claimed === 'videos' && mediaKindOf(verdict.mime) === 'audios') return verdict;
  if (claimed === 'audios' && mediaKindOf(verdict.mime) === 'videos') return verdict;
  return {
    accepted: false,
    reason: 'file_type_not_allowed',
    message: `${fileName} is not ${KIND_WORDS[claimed]} by its content (${verdict.mime})`,
  };
}

// Enough for every signature detection knows, and for markup hidden after a harmless first line.
const HEAD_BYTES = 64 * 1024;

async function readHead(filePath: string): Promise<Buffer> {
  const file = await open(filePath, 'r');
  try {
    const buffer = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await file.read(buffer, 0, HEAD_BYTES, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await file.close();
  }
}

interface FileTypeModule {
  fileTypeFromFile(filePath: string): Promise<{ mime: string; ext: string } | undefined>;
}

/**
 * file-type is ESM only. Node 20 loads it through require; going through the process's own module loader
 * (not the `require` in scope) also works where a test runner replaces `require` with its own.
 */
function loadFileType(): FileTypeModule {
  const nodeModule = process.getBuiltinModule('module') as typeof import('module');
  return nodeModule.createRequire(__filename)('file-type') as FileTypeModule;
}

export async function inspectUploadedFile(file: {
  filepath: string;
  originalFilename?: string | null;
  mimetype?: string | null;
}): Promise<ContentVerdict> {
  const [head, detected] = await Promise.all([readHead(file.filepath), loadFileType().fileTypeFromFile(file.filepath)]);
  const fileName = file.originalFilename || 'file';
  const declaredMime = file.mimetype ?? undefined;
  return judgeClaimedKind(
    judgeContent({ head, detectedMime: detected?.mime, fileName, declaredMime }),
    fileName,
    declaredMime
  );
}
