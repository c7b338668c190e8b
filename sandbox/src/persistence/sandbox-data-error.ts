/** A data directory the sandbox cannot use: damaged, or made by a sandbox with another seed. */
export class SandboxDataError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'SandboxDataError';
  }
}
