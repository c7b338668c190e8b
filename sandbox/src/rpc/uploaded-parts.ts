import { Api } from 'teleproto';
import { fromLong, type Long } from '../mtproto/tl.ts';
import { TelegramError } from '../world/model.ts';

const MAX_PART_BYTES = 512 * 1024;

/** Parts sent with upload.saveFilePart / saveBigFilePart, until an InputFile claims them. */
export class UploadedParts {
  readonly #files = new Map<string, Map<number, Buffer>>();

  save(accountId: number, fileId: Long, part: number, bytes: Buffer): void {
    if (part < 0) throw new TelegramError(400, 'FILE_PART_INVALID');
    if (bytes.length > MAX_PART_BYTES) throw new TelegramError(400, 'FILE_PART_TOO_BIG');
    const key = `${accountId}:${fromLong(fileId)}`;
    const parts = this.#files.get(key) ?? new Map<number, Buffer>();
    parts.set(part, bytes);
    this.#files.set(key, parts);
  }

  /** The whole file an InputFile names; its parts are released. */
  take(accountId: number, file: Api.TypeInputFile): { name: string; bytes: Buffer } {
    if (!(file instanceof Api.InputFile || file instanceof Api.InputFileBig))
      throw new TelegramError(400, 'FILE_PARTS_INVALID');
    const key = `${accountId}:${fromLong(file.id)}`;
    const parts = this.#files.get(key);
    if (!parts || parts.size !== file.parts) throw new TelegramError(400, 'FILE_PARTS_INVALID');
    const ordered: Buffer[] = [];
    for (let index = 0; index < file.parts; index++) {
      const part = parts.get(index);
      if (!part) throw new TelegramError(400, 'FILE_PARTS_INVALID');
      ordered.push(part);
    }
    this.#files.delete(key);
    return { name: file.name, bytes: Buffer.concat(ordered) };
  }
}
