export interface ExternalPlayerLink {
  label: string;
  href: string;
}

/**
 * Links that hand a stream URL to a player app, for files the browser cannot play (MKV with codecs or
 * subtitles it does not support). Which apps: by platform, those with a documented URL scheme. Any
 * other player takes the copied stream URL ("open network stream").
 */
export function externalPlayerLinks(
  streamUrl: string,
  mimeType: string,
  userAgent: string,
): ExternalPlayerLink[] {
  const encoded = encodeURIComponent(streamUrl);
  if (/Android/.test(userAgent)) {
    const type = mimeType.startsWith('audio/') ? 'audio/*' : 'video/*';
    return [
      {
        label: 'Android player',
        href: `intent:${streamUrl}#Intent;action=android.intent.action.VIEW;type=${type};end`,
      },
      { label: 'VLC', href: `vlc://${streamUrl}` },
    ];
  }
  if (/iPhone|iPad|iPod/.test(userAgent)) {
    return [
      { label: 'VLC', href: `vlc-x-callback://x-callback-url/stream?url=${encoded}` },
      { label: 'Infuse', href: `infuse://x-callback-url/play?url=${encoded}` },
    ];
  }
  const links = [{ label: 'VLC', href: `vlc://${streamUrl}` }];
  if (/Mac OS X/.test(userAgent)) links.push({ label: 'IINA', href: `iina://weblink?url=${encoded}` });
  return links;
}
