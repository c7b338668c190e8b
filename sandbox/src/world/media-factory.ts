import type { FileBlob } from './file-blobs.ts';
import { type ImageSize, isPhotoMime, photoSizeType, readImageSize } from './media-types.ts';
import type { StoredMedia, StoredPhotoSize } from './model.ts';
import type { World } from './world.ts';

/** Bytes an image header fits in: enough for readImageSize on PNG, GIF, WebP and most JPEGs. */
export const IMAGE_HEADER_BYTES = 64 * 1024;

export interface ImageFile {
  blob: FileBlob;
  /** The first bytes, for the image dimensions. */
  head: Buffer;
}

export interface MediaFile extends ImageFile {
  fileName: string;
  mimeType: string;
  video?: { duration: number; width: number; height: number } | undefined;
  audio?: { duration: number } | undefined;
  thumbnail?: ImageFile | undefined;
  /** Keep images as documents instead of turning them into photos. */
  asDocument?: boolean | undefined;
  /** DC that stores the file; the home DC when not given. */
  dcId?: number | undefined;
}

function photoSize(image: ImageFile, size: ImageSize | undefined): StoredPhotoSize {
  const { width, height } = size ?? { width: 0, height: 0 };
  return { type: photoSizeType({ width, height }), width, height, blob: image.blob };
}

/** A photo for JPEG/PNG/WebP images (as Telegram does), a document with attributes otherwise. */
export function storeMedia(world: World, file: MediaFile): StoredMedia {
  const imageSize = file.mimeType.startsWith('image/') ? readImageSize(file.head) : undefined;
  const thumb = file.thumbnail ? photoSize(file.thumbnail, readImageSize(file.thumbnail.head)) : undefined;
  if (!file.asDocument && isPhotoMime(file.mimeType)) {
    const full = photoSize(file, imageSize);
    // Sizes are addressed by type letter; a thumbnail in the same class as the photo adds nothing.
    const sizes = thumb && thumb.type !== full.type ? [thumb, full] : [full];
    return world.addPhoto({ sizes, dcId: file.dcId });
  }
  return world.addDocument({
    fileName: file.fileName,
    mimeType: file.mimeType,
    blob: file.blob,
    video: file.video,
    audio: file.audio,
    image: imageSize,
    thumb,
    dcId: file.dcId,
  });
}
