import type { MediaFacts } from './sandbox-client.ts';

/**
 * What Telegram's app would tell the bot about a file: the duration and size of a video or audio
 * file, the size of an image. Read by the browser from the local file; empty when it cannot tell.
 */
export async function readMediaFacts(file: File): Promise<MediaFacts> {
  const kind = file.type.split('/')[0];
  if (kind !== 'video' && kind !== 'audio' && kind !== 'image') return {};
  const url = URL.createObjectURL(file);
  try {
    if (kind === 'image') {
      const image = new Image();
      image.src = url;
      await image.decode();
      return { width: image.naturalWidth, height: image.naturalHeight };
    }
    const element = document.createElement(kind);
    element.preload = 'metadata';
    element.muted = true;
    await new Promise<void>((resolve, reject) => {
      element.onloadedmetadata = () => resolve();
      element.onerror = () => reject(new Error('not playable here'));
      element.src = url;
    });
    const facts: MediaFacts = {};
    if (Number.isFinite(element.duration)) facts.durationSeconds = Math.round(element.duration * 10) / 10;
    if (element instanceof HTMLVideoElement && element.videoWidth > 0) {
      facts.width = element.videoWidth;
      facts.height = element.videoHeight;
    }
    return facts;
  } catch {
    return {};
  } finally {
    URL.revokeObjectURL(url);
  }
}
