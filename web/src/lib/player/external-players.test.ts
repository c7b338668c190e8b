import { describe, expect, it } from 'vitest';
import { externalPlayerLinks } from './external-players.ts';

const url = 'http://192.168.1.5:8080/api/media/f/stream?token=a.b';

describe('externalPlayerLinks', () => {
  it('hands the stream to the Android player chooser on Android', () => {
    const [first] = externalPlayerLinks(url, 'video/x-matroska', 'Mozilla/5.0 (Linux; Android 15)');
    expect(first?.href).toBe(`intent:${url}#Intent;action=android.intent.action.VIEW;type=video/*;end`);
  });

  it('encodes the URL for x-callback schemes on iOS', () => {
    const links = externalPlayerLinks(
      url,
      'video/mp4',
      'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X)',
    );
    expect(links.map((link) => link.label)).toEqual(['VLC', 'Infuse']);
    expect(links[0]?.href).toContain(encodeURIComponent(url));
  });

  it('offers VLC everywhere else, and IINA on macOS', () => {
    expect(
      externalPlayerLinks(url, 'video/mp4', 'Mozilla/5.0 (X11; Linux x86_64)').map((l) => l.label),
    ).toEqual(['VLC']);
    expect(
      externalPlayerLinks(url, 'video/mp4', 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0)').map(
        (l) => l.label,
      ),
    ).toEqual(['VLC', 'IINA']);
  });
});
