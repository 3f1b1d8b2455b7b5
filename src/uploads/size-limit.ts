import { AsyncLocalStorage } from 'async_hooks';

/**
 * The size limit of the upload under way when it is not UPLOAD_MAX_FILE_MB: a resumable upload of a video may be up
 * to VIDEO_MAX_FILE_MB (src/uploads/resumable.ts). Read by the provider service's size check
 * (src/extensions/upload/strapi-server.ts); everything else keeps the plugin's `sizeLimit`.
 */
const limits = new AsyncLocalStorage<number>();

export const withSizeLimit = <Result>(limitBytes: number, run: () => Promise<Result>): Promise<Result> =>
  limits.run(limitBytes, run);

export const currentSizeLimit = (): number | undefined => limits.getStore();
