/** A content-API route at the contract's path (no /marketplace prefix). */
export const route = (method: string, path: string, handler: string) => ({
  method,
  path,
  handler,
  config: { prefix: '' },
});
