/**
 * Corrections to the parts of the OpenAPI document Lyceum does not write itself, applied in the documentation
 * plugin's `mutateDocumentation` step (config/plugins.ts), so Swagger UI and the JSON get the same document.
 * Each fixes something a strict OpenAPI 3.0 validator or a code generator refuses, and says so.
 */
type Node = Record<string, any>;

const UPLOAD_WITH_ID = '/upload?id={id}';

/**
 * The upload plugin describes `POST /upload?id=…` (replace a file, or update its information) as a path of its
 * own. A path may not carry a query string, and its `{id}` is no path parameter, so validators refuse it. It is
 * the same HTTP operation as `POST /upload`, which switches on the query: described as one operation, with `id`
 * an optional query parameter. The plugin also says the upload answers 200; it answers 201 (see the contract).
 */
export function describeUploadAsOneOperation(document: Node): void {
  const variant: Node | undefined = document.paths?.[UPLOAD_WITH_ID]?.post;
  const upload: Node | undefined = document.paths?.['/upload']?.post;
  if (!variant || !upload) return;
  delete document.paths[UPLOAD_WITH_ID];

  const idParameter = (variant.parameters ?? []).find(
    (parameter: Node) => parameter.name === 'id' && parameter.in === 'query'
  );
  upload.parameters = [
    ...(upload.parameters ?? []),
    {
      ...(idParameter ?? { name: 'id', in: 'query', schema: { type: 'string' } }),
      required: false,
      description: 'File id: with it the request replaces that file (when `files` is sent) or updates its `fileInfo`',
    },
  ];
  upload.description = 'Upload files; with `?id=`, replace one file or update its information';

  const form = upload.requestBody?.content?.['multipart/form-data'];
  const variantForm = variant.requestBody?.content?.['multipart/form-data'];
  if (form?.schema) {
    // `files` is required only without `id`: an information update sends `fileInfo` alone.
    const { required: _onlyWithoutId, ...schema } = form.schema;
    form.schema = { ...schema, properties: { ...variantForm?.schema?.properties, ...schema.properties } };
  }

  const stored = upload.responses?.['200'];
  const one = variant.responses?.['200']?.content?.['application/json']?.schema?.items ?? {
    $ref: '#/components/schemas/UploadFile',
  };
  upload.responses = {
    ...upload.responses,
    ...(stored ? { 201: { ...stored, description: 'The stored files' } } : {}),
    200: { description: 'With `?id=`: the replaced or updated file', content: { 'application/json': { schema: one } } },
  };
}

/** Everything this file corrects, in one step. */
export function fixStockDocument(document: Node): void {
  describeUploadAsOneOperation(document);
}
