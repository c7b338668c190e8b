/** A refused or failed API call: the HTTP status (0: the server could not be reached) and the API's error code. */
export class ApiFailure extends Error {
  override readonly name = 'ApiFailure';
  readonly status: number;
  readonly code: string;
  /** When the server asked to wait before trying again (429), in milliseconds. */
  readonly retryAfterMs: number | null;

  constructor(status: number, code: string, message: string, retryAfterMs: number | null = null) {
    super(message);
    this.status = status;
    this.code = code;
    this.retryAfterMs = retryAfterMs;
  }
}

interface ErrorBody {
  error?: { code?: unknown; message?: unknown; details?: { retryAfterSeconds?: unknown } };
}

/** The success body of an API client call, or an `ApiFailure` with the API's code and message. */
export async function unwrap<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T> {
  let result: { data?: T; error?: unknown; response: Response };
  try {
    result = await call;
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiFailure(0, 'unreachable', 'The server cannot be reached. Check your connection.');
  }
  const { response } = result;
  if (response.ok) return result.data as T;
  const body = (result.error ?? {}) as ErrorBody;
  const code = typeof body.error?.code === 'string' ? body.error.code : `http_${response.status}`;
  const message = typeof body.error?.message === 'string' ? body.error.message : response.statusText;
  const retryAfter = body.error?.details?.retryAfterSeconds;
  throw new ApiFailure(
    response.status,
    code,
    sentence(message || `The server answered ${response.status}`),
    typeof retryAfter === 'number' ? retryAfter * 1000 : null,
  );
}

/** A message for people: what went wrong, as a sentence. */
export function describeError(error: unknown): string {
  if (error instanceof ApiFailure) return error.message;
  if (error instanceof Error && error.message) return sentence(error.message);
  return 'Something went wrong.';
}

export const isAbort = (error: unknown): boolean =>
  error instanceof DOMException && error.name === 'AbortError';

function sentence(text: string): string {
  const trimmed = text.trim();
  const capital = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}
