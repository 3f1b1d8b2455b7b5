import { recordIdParam } from '../../access/params';
import { assertMayChangeFile, recordUploader, vetUpload } from '../../uploads/upload-guard';

/**
 * The upload plugin's content API with Lyceum's rules in front: content-checked files within the size
 * limit, and files changed or deleted only by their uploader or an admin. See src/uploads/.
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
      await stockUpload.call(this, ctx);
      if (ctx.query?.id === undefined) await recordUploader(strapi, ctx);
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
