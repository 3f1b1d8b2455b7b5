// Resumable uploads, tus 1.0 (src/uploads/resumable.ts). The GET route also answers HEAD (the router adds it), which
// is how a tus client asks for an upload's offset.
const route = (method: string, path: string, action: string) => ({
  method,
  path,
  handler: `api::resumable-upload.resumable-upload.${action}`,
  config: { policies: [] },
});

export default {
  routes: [
    route('POST', '/uploads/resumable', 'create'),
    route('GET', '/uploads/resumable/:uploadId', 'offset'),
    route('PATCH', '/uploads/resumable/:uploadId', 'append'),
    route('DELETE', '/uploads/resumable/:uploadId', 'cancel'),
  ],
};
