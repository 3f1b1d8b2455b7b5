import { serveOpenApiDocument } from '../api-description/openapi';

export default serveOpenApiDocument;
