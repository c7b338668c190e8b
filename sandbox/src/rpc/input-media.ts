import { Api } from 'teleproto';
import { fromLong } from '../mtproto/tl.ts';
import { MemoryBlob } from '../world/file-blobs.ts';
import { IMAGE_HEADER_BYTES, storeMedia } from '../world/media-factory.ts';
import { type StoredMedia, TelegramError } from '../world/model.ts';
import type { RpcContext } from './rpc-context.ts';

/** An existing document or photo the caller holds a valid reference to, or a freshly uploaded one. */
export function resolveInputMedia(context: RpcContext, media: Api.TypeInputMedia): StoredMedia {
  const me = context.account();
  const { world } = context;
  if (media instanceof Api.InputMediaDocument || media instanceof Api.InputMediaPhoto) {
    const input = media.id;
    if (!(input instanceof Api.InputDocument || input instanceof Api.InputPhoto))
      throw new TelegramError(400, 'MEDIA_INVALID');
    const kind = input instanceof Api.InputDocument ? 'document' : 'photo';
    const file = world.file(fromLong(input.id));
    if (!file || file.kind !== kind || file.accessHash !== fromLong(input.accessHash)) {
      throw new TelegramError(400, 'MEDIA_INVALID');
    }
    if (!world.fileReferences.isValid(me.id, file.id, input.fileReference)) {
      throw new TelegramError(400, 'FILE_REFERENCE_EXPIRED');
    }
    return file;
  }
  if (media instanceof Api.InputMediaUploadedPhoto) {
    const { name, bytes } = context.core.uploads.take(me.id, media.file);
    return storeMedia(world, uploaded(name, 'image/jpeg', bytes));
  }
  if (media instanceof Api.InputMediaUploadedDocument) {
    const { name, bytes } = context.core.uploads.take(me.id, media.file);
    const fileName =
      media.attributes.find((a) => a instanceof Api.DocumentAttributeFilename)?.fileName ?? name;
    const video = media.attributes.find((a) => a instanceof Api.DocumentAttributeVideo);
    const audio = media.attributes.find((a) => a instanceof Api.DocumentAttributeAudio);
    const thumb = media.thumb ? context.core.uploads.take(me.id, media.thumb).bytes : undefined;
    return storeMedia(world, {
      ...uploaded(fileName, media.mimeType, bytes),
      asDocument: true,
      video: video ? { duration: video.duration, width: video.w, height: video.h } : undefined,
      audio: audio ? { duration: audio.duration } : undefined,
      thumbnail: thumb
        ? { blob: new MemoryBlob(thumb), head: thumb.subarray(0, IMAGE_HEADER_BYTES) }
        : undefined,
    });
  }
  throw new TelegramError(400, 'MEDIA_INVALID');
}

function uploaded(fileName: string, mimeType: string, bytes: Buffer) {
  return { fileName, mimeType, blob: new MemoryBlob(bytes), head: bytes.subarray(0, IMAGE_HEADER_BYTES) };
}
