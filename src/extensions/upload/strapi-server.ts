import { recordIdParam } from '../../access/params';
import { describeVideoAssets } from '../../media';
import { assertMayChangeFile, recordUploader, vetUpload } from '../../uploads/upload-guard';
import { currentSizeLimit } from '../../uploads/size-limit';
import { rememberStoredFile, uploadAllOrNothing, type StoredFile } from '../../uploads/upload-rollback';

/**
 * The upload plugin's content API with Lyceum's rules in front: content-checked files within the size
 * limit, and files changed or deleted only by their uploader or an admin; and an upload that fails half-way leaves
 * no stored file and no row, through any route (content API, admin panel): src/uploads/upload-rollback.ts.
 */
export default (plugin: any) => {
  // Who uploaded a file through the API (Strapi records admin-panel users only). Never sent to clients.
  plugin.contentTypes.file.schema.attributes.uploadedBy = {
    type: 'relation',
    relation: 'manyToOne',
    target: 'plugin::users-permissions.user',
    private: true,
    configurable: false,
  };

  const providerServiceFactory = plugin.services.provider;
  plugin.services.provider = (deps: { strapi: any }) => {
    const service = providerServiceFactory(deps);
    const stockStore = service.upload;
    service.upload = function upload(this: unknown, file: StoredFile) {
      rememberStoredFile(file);
      return stockStore.call(this, file);
    };
    // A resumable upload of a video has its own limit (VIDEO_MAX_FILE_MB), checked before it got here.
    const stockCheckSize = service.checkFileSize;
    service.checkFileSize = function checkFileSize(this: unknown, file: unknown) {
      const limit = currentSizeLimit();
      if (limit === undefined) return stockCheckSize.call(this, file);
      return deps.strapi.plugin('upload').provider.checkFileSize(file, { sizeLimit: limit });
    };
    return service;
  };
  const uploadServiceFactory = plugin.services.upload;
  plugin.services.upload = (deps: { strapi: any }) => {
    const service = uploadServiceFactory(deps);
    const stockUpload = service.upload;
    service.upload = function upload(this: unknown, ...args: unknown[]) {
      return uploadAllOrNothing(deps.strapi, () => stockUpload.apply(this, args));
    };
    return service;
  };

  const contentApiFactory = plugin.controllers['content-api'];
  plugin.controllers['content-api'] = (deps: { strapi: any }) => {
    const controller = contentApiFactory(deps);
    const { strapi } = deps;
    const stockUpload = controller.upload;
    const stockDestroy = controller.destroy;
    const stockFindOne = controller.findOne;
    controller.upload = async function upload(this: unknown, ctx: any) {
      if (ctx.query?.id !== undefined) recordIdParam(ctx.query.id);
      if (ctx.query?.id !== undefined) await assertMayChangeFile(strapi, ctx, ctx.query.id);
      await vetUpload(strapi, ctx);
      if (ctx.query?.id !== undefined) return stockUpload.call(this, ctx);
      // The uploader is part of the upload: should recording it fail, the files and rows go too.
      await uploadAllOrNothing(strapi, async () => {
        await stockUpload.call(this, ctx);
        await recordUploader(strapi, ctx);
      });
      // Each video names its asset, whose conversion the uploader follows at GET /videos/:assetId.
      await describeVideoAssets(strapi, ctx.body);
    };
    // A malformed id is a 400 before any query (on PostgreSQL the stock lookup would fail in the driver: a 500).
    controller.findOne = async function findOne(this: unknown, ctx: any) {
      recordIdParam(ctx.params.id);
      return stockFindOne.call(this, ctx);
    };
    controller.destroy = async function destroy(this: unknown, ctx: any) {
      recordIdParam(ctx.params.id);
      await assertMayChangeFile(strapi, ctx, ctx.params.id);
      return stockDestroy.call(this, ctx);
    };
    return controller;
  };
  return plugin;
};
