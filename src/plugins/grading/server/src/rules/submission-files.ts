import path from 'path';
import { lookup } from 'mime-types';

/**
 * Which uploaded files an assignment takes. The extension decides the type (it is what the reader's
 * computer will open the file with); the declared type only has to agree with the lists when the
 * extension is unknown.
 */
export interface FileRules {
  /** Extensions (`.pdf`, `pdf`) or MIME types (`application/pdf`, `image/*`); empty or null: any type. */
  allowedFileTypes: readonly string[] | null;
  maxFileSizeMb: number;
  /** The upload plugin's own security lists (config/plugins.ts), which every upload must pass too. */
  uploadAllowedTypes?: readonly string[] | null;
  uploadDeniedTypes?: readonly string[] | null;
}

export interface IncomingFile {
  name: string;
  declaredMime: string | null;
  size: number;
}

export const MAX_FILES_PER_SUBMISSION = 10;

export const extensionOf = (name: string) => path.extname(name).toLowerCase();

/** The MIME type a file is judged as: from its extension, else what the client declared. */
export function mimeOf(file: Pick<IncomingFile, 'name' | 'declaredMime'>): string | null {
  const fromExtension = lookup(file.name);
  if (fromExtension) return fromExtension;
  const declared = file.declaredMime?.toLowerCase().split(';')[0].trim();
  return declared && declared !== 'application/octet-stream' ? declared : null;
}

const matchesMime = (mime: string, pattern: string) => {
  const wanted = pattern.toLowerCase();
  if (wanted.endsWith('/*')) return mime.startsWith(wanted.slice(0, -1));
  if (wanted.includes('*'))
    return new RegExp(
      `^${wanted
        .split('*')
        .map((part) => part.replace(/[.+?^${}()|[\]\\/]/g, '\\$&'))
        .join('.*')}$`
    ).test(mime);
  return mime === wanted;
};

/** An allowed-types entry is a MIME type when it has a slash, else an extension. */
export function matchesAllowedType(
  file: Pick<IncomingFile, 'name' | 'declaredMime'>,
  allowed: readonly string[]
): boolean {
  const extension = extensionOf(file.name);
  const mime = mimeOf(file);
  return allowed.some((entry) => {
    const wanted = entry.trim().toLowerCase();
    if (!wanted) return false;
    if (wanted.includes('/')) return mime !== null && matchesMime(mime, wanted);
    return extension !== '' && extension === (wanted.startsWith('.') ? wanted : `.${wanted}`);
  });
}

/** Why a file is refused, or null when it may be stored. */
export function fileProblem(file: IncomingFile, rules: FileRules): string | null {
  if (!file.name || /[\0/\\]/.test(file.name)) return 'the file needs a plain name';
  if (file.size <= 0) return `${file.name} is empty`;
  const limitBytes = rules.maxFileSizeMb * 1024 * 1024;
  if (file.size > limitBytes) return `${file.name} is larger than ${rules.maxFileSizeMb} MB`;
  const allowed = (rules.allowedFileTypes ?? []).filter((entry) => typeof entry === 'string' && entry.trim());
  if (allowed.length > 0 && !matchesAllowedType(file, allowed))
    return `${file.name} is not one of the accepted types: ${allowed.join(', ')}`;
  const mime = mimeOf(file);
  const declared = file.declaredMime?.toLowerCase().split(';')[0].trim() || null;
  const denied = rules.uploadDeniedTypes ?? [];
  if ([mime, declared].some((type) => type && denied.some((pattern) => matchesMime(type, pattern))))
    return `${file.name} is a type this site does not accept`;
  const siteAllowed = rules.uploadAllowedTypes;
  if (Array.isArray(siteAllowed) && (mime === null || !siteAllowed.some((pattern) => matchesMime(mime, pattern)))) {
    return `${file.name} is a type this site does not accept`;
  }
  return null;
}

/** allowedFileTypes as stored (a JSON field): a list of strings, or a comma-separated string typed in the admin panel. */
export function normaliseAllowedTypes(value: unknown): string[] {
  if (Array.isArray(value))
    return value
      .filter((entry): entry is string => typeof entry === 'string' && entry.trim() !== '')
      .map((entry) => entry.trim());
  if (typeof value === 'string')
    return value
      .split(',')
      .map((entry) => entry.trim())
      .filter(Boolean);
  return [];
}
