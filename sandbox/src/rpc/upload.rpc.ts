import { Api } from 'teleproto';
import { fromLong } from '../mtproto/tl.ts';
import type { FileBlob } from '../world/file-blobs.ts';
import { type StoredMedia, TelegramError } from '../world/model.ts';
import { checkGetFileRange } from './get-file-rules.ts';
import type { RpcContext, RpcRoutes } from './rpc-context.ts';

/**
 * upload.getFile with Telegram's rules: alignment, per-account file references, the file's DC
 * (FILE_MIGRATE_X elsewhere), short reads at the end and nothing past it. Also the upload side
 * (saveFilePart/saveBigFilePart) for bots that send files.
 */
export function registerUploadRpc(routes: RpcRoutes): void {
  routes.on(Api.upload.GetFile, async (request, context) => {
    const me = context.account();
    const offset = Number(fromLong(request.offset));
    const rangeError = checkGetFileRange(offset, request.limit, request.precise === true);
    if (rangeError) throw new TelegramError(400, rangeError);
    const { file, blob, location } = locate(context, request.location);
    if (!context.world.fileReferences.isValid(me.id, file.id, location.fileReference)) {
      throw new TelegramError(400, 'FILE_REFERENCE_EXPIRED');
    }
    if (!context.world.canAccessFile(me.id, file)) throw new TelegramError(400, 'FILE_REFERENCE_EXPIRED');
    const redirect = context.core.faults.takeFileMigrate(me.id, context.dcId);
    if (redirect !== undefined) {
      context.world.serveFileFrom(file, redirect);
      throw new TelegramError(303, `FILE_MIGRATE_${redirect}`);
    }
    if (file.dcId !== context.dcId && !file.alsoServedBy.has(context.dcId)) {
      throw new TelegramError(303, `FILE_MIGRATE_${file.dcId}`);
    }
    return new Api.upload.File({
      type: file.kind === 'photo' ? new Api.storage.FileJpeg() : new Api.storage.FilePartial(),
      mtime: file.date,
      bytes: await blob.read(offset, request.limit),
    });
  });

  routes.on(Api.upload.SaveFilePart, (request, context) => {
    context.core.uploads.save(context.account().id, request.fileId, request.filePart, request.bytes);
    return true;
  });

  routes.on(Api.upload.SaveBigFilePart, (request, context) => {
    if (request.filePart >= request.fileTotalParts) throw new TelegramError(400, 'FILE_PART_INVALID');
    context.core.uploads.save(context.account().id, request.fileId, request.filePart, request.bytes);
    return true;
  });
}

type FileLocation = Api.InputDocumentFileLocation | Api.InputPhotoFileLocation;

function locate(
  context: RpcContext,
  location: Api.TypeInputFileLocation,
): { file: StoredMedia; blob: FileBlob; location: FileLocation } {
  if (
    !(location instanceof Api.InputDocumentFileLocation || location instanceof Api.InputPhotoFileLocation)
  ) {
    throw new TelegramError(400, 'LOCATION_INVALID');
  }
  const file = context.world.file(fromLong(location.id));
  const kind = location instanceof Api.InputDocumentFileLocation ? 'document' : 'photo';
  if (!file || file.kind !== kind || file.accessHash !== fromLong(location.accessHash)) {
    throw new TelegramError(400, 'FILE_ID_INVALID');
  }
  const size = location.thumbSize;
  if (file.kind === 'document') {
    if (size === '') return { file, blob: file.blob, location };
    if (file.thumb?.type === size) return { file, blob: file.thumb.blob, location };
  } else {
    const match = size === '' ? file.sizes.at(-1) : file.sizes.find((candidate) => candidate.type === size);
    if (match) return { file, blob: match.blob, location };
  }
  throw new TelegramError(400, 'LOCATION_INVALID');
}
