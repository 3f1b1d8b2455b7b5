/**
 * Whether this process is shutting down: from the first moment of a shutdown `/_ready` answers 503, so a load
 * balancer stops sending new requests while the ones in flight finish (issue 21, "Process roles").
 */
let isShutdownBegun = false;

export function isShuttingDown(): boolean {
  return isShutdownBegun;
}

export function beginShutdown(): void {
  isShutdownBegun = true;
}
