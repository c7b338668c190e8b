// The stream engine: Telegram files served over HTTP with ranges (ARCHITECTURE.md §7).
// The gateway implements FilePartSource; routes call serveFile with a StreamEngine built on it.

export {
  BotUnavailableError,
  type FilePartRequest,
  type FilePartSource,
  FilePartTimeoutError,
  FloodWaitError,
  fileKeyOf,
  type StoredFileLocation,
} from './file-part-source.ts';
export { PartFetchError, type PartFetchFailure } from './part-scheduler.ts';
export type { ByteRange } from './range.ts';
export { contentDisposition, entityTagOf, type ServedFile, serveFile } from './stream.http.ts';
export { createStreamMetrics, type StreamMetrics } from './stream.metrics.ts';
export {
  FileByteStream,
  type OpenStreamOptions,
  StreamEngine,
  StreamEngineOptions,
  type StreamEngineOptionsInput,
} from './stream-engine.ts';
