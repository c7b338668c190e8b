/** Reads until the value is acceptable (outside tests, where `expect.poll` is not available). */
export async function eventually<T>(
  read: () => Promise<T>,
  acceptable: (value: T) => boolean,
  what: string,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (acceptable(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
