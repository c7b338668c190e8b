import { Api, helpers } from 'teleproto';
import { describe, expect, it } from 'vitest';
import {
  callbackQueryOf,
  fileSourceOf,
  incomingMessageOf,
  incomingShortMessageOf,
  mediaInfoOf,
  ptsStepOf,
  storedMessageOf,
  userDirectory,
} from './update.mapping.ts';

const long = (value: number | string) => helpers.returnBigInt(value);

const ann = new Api.User({
  id: long(42),
  accessHash: long(7),
  firstName: 'Ann',
  lastName: 'Lee',
  username: 'ann',
});
const users = userDirectory([
  ann,
  new Api.Channel({ id: long(5), title: 'c', photo: new Api.ChatPhotoEmpty(), date: 0 }),
]);

function document(
  attributes: Api.TypeDocumentAttribute[],
  mimeType = 'application/octet-stream',
): Api.Document {
  return new Api.Document({
    id: long('9007199254740993'),
    accessHash: long(-5),
    fileReference: Buffer.from([1, 2, 3]),
    date: 1_700_000_000,
    mimeType,
    size: long(5_000_000_000),
    dcId: 4,
    thumbs: [
      new Api.PhotoStrippedSize({ type: 'i', bytes: Buffer.alloc(10) }),
      new Api.PhotoSize({ type: 'm', w: 320, h: 180, size: 9_000 }),
    ],
    attributes,
  });
}

const documentMedia = (attributes: Api.TypeDocumentAttribute[], mimeType?: string) =>
  new Api.MessageMediaDocument({ document: document(attributes, mimeType) });

const photo = new Api.Photo({
  id: long(77),
  accessHash: long(88),
  fileReference: Buffer.from([9]),
  date: 1_700_000_000,
  dcId: 2,
  sizes: [
    new Api.PhotoStrippedSize({ type: 'i', bytes: Buffer.alloc(5) }),
    new Api.PhotoSize({ type: 'm', w: 320, h: 240, size: 20_000 }),
    new Api.PhotoSizeProgressive({ type: 'y', w: 1280, h: 960, sizes: [10_000, 90_000, 150_000] }),
  ],
});

function privateMessage(fields: Partial<ConstructorParameters<typeof Api.Message>[0]> = {}): Api.Message {
  return new Api.Message({
    id: 10,
    peerId: new Api.PeerUser({ userId: long(42) }),
    fromId: new Api.PeerUser({ userId: long(42) }),
    date: 1_700_000_100,
    message: 'hello',
    ...fields,
  });
}

describe('mediaInfoOf', () => {
  it('describes a video document with its attributes and thumbnails', () => {
    const media = documentMedia(
      [
        new Api.DocumentAttributeVideo({ duration: 95.5, w: 1920, h: 1080, supportsStreaming: true }),
        new Api.DocumentAttributeFilename({ fileName: 'trip.mp4' }),
      ],
      'video/mp4',
    );
    expect(mediaInfoOf(media)).toEqual({
      kind: 'video',
      documentId: '9007199254740993',
      dcId: 4,
      fileName: 'trip.mp4',
      mimeType: 'video/mp4',
      size: 5_000_000_000,
      durationSeconds: 95.5,
      width: 1920,
      height: 1080,
      thumbnails: [{ type: 'm', width: 320, height: 180, size: 9_000 }],
    });
  });

  it.each([
    ['voice', [new Api.DocumentAttributeAudio({ voice: true, duration: 4 })], 4],
    ['audio', [new Api.DocumentAttributeAudio({ duration: 200, title: 'Song' })], 200],
    [
      'animation',
      [new Api.DocumentAttributeVideo({ duration: 2, w: 320, h: 240 }), new Api.DocumentAttributeAnimated()],
      2,
    ],
    ['document', [new Api.DocumentAttributeFilename({ fileName: 'notes.pdf' })], null],
  ] as const)('tells a %s apart by its attributes', (kind, attributes, durationSeconds) => {
    expect(mediaInfoOf(documentMedia([...attributes]))).toMatchObject({ kind, durationSeconds });
  });

  it('gives an image document the size of its image attribute', () => {
    const media = documentMedia([new Api.DocumentAttributeImageSize({ w: 4000, h: 3000 })], 'image/png');
    expect(mediaInfoOf(media)).toMatchObject({ kind: 'document', fileName: null, width: 4000, height: 3000 });
  });

  it('describes a photo by its largest size and keeps the others as thumbnails', () => {
    expect(mediaInfoOf(new Api.MessageMediaPhoto({ photo }))).toEqual({
      kind: 'photo',
      documentId: '77',
      dcId: 2,
      fileName: null,
      mimeType: 'image/jpeg',
      size: 150_000,
      durationSeconds: null,
      width: 1280,
      height: 960,
      thumbnails: [{ type: 'm', width: 320, height: 240, size: 20_000 }],
    });
  });

  it('has nothing for media that is not a file', () => {
    expect(mediaInfoOf(undefined)).toBeNull();
    expect(mediaInfoOf(new Api.MessageMediaGeo({ geo: new Api.GeoPointEmpty() }))).toBeNull();
    expect(
      mediaInfoOf(new Api.MessageMediaDocument({ document: new Api.DocumentEmpty({ id: long(1) }) })),
    ).toBeNull();
  });
});

describe('incoming updates', () => {
  it('maps a private message with its sender, caption, file and reply', () => {
    const message = privateMessage({
      message: 'caption',
      media: new Api.MessageMediaPhoto({ photo }),
      replyTo: new Api.MessageReplyHeader({ replyToMsgId: 3 }),
    });
    expect(incomingMessageOf(message, users, 'recovered')).toMatchObject({
      chatId: '42',
      messageId: 10,
      date: 1_700_000_100,
      from: { id: '42', firstName: 'Ann', lastName: 'Lee', username: 'ann', isBot: false },
      text: 'caption',
      media: { kind: 'photo', documentId: '77' },
      replyToMessageId: 3,
      delivery: 'recovered',
    });
  });

  it('ignores the bot’s own messages, channel posts and service messages', () => {
    expect(incomingMessageOf(privateMessage({ out: true }), users, 'live')).toBeUndefined();
    expect(
      incomingMessageOf(
        privateMessage({ peerId: new Api.PeerChannel({ channelId: long(5) }) }),
        users,
        'live',
      ),
    ).toBeUndefined();
    expect(
      incomingMessageOf(
        new Api.MessageService({
          id: 1,
          peerId: new Api.PeerUser({ userId: long(42) }),
          date: 0,
          action: new Api.MessageActionEmpty(),
        }),
        users,
        'live',
      ),
    ).toBeUndefined();
  });

  it('knows a sender it has no details for by id only', () => {
    expect(
      incomingMessageOf(
        privateMessage({ peerId: new Api.PeerUser({ userId: long(43) }), fromId: undefined }),
        users,
        'live',
      )?.from,
    ).toEqual({ id: '43', firstName: '', lastName: null, username: null, isBot: false });
  });

  it('maps the short form Telegram pushes plain texts in', () => {
    const update = new Api.UpdateShortMessage({
      id: 11,
      userId: long(42),
      message: '/start',
      pts: 5,
      ptsCount: 1,
      date: 9,
    });
    expect(incomingShortMessageOf(update, users, 'live')).toMatchObject({
      chatId: '42',
      messageId: 11,
      text: '/start',
      media: null,
    });
    expect(
      incomingShortMessageOf(new Api.UpdateShortMessage({ ...update, out: true }), users, 'live'),
    ).toBeUndefined();
  });

  it('maps a button press in a private chat', () => {
    const update = new Api.UpdateBotCallbackQuery({
      queryId: long('-123456789012345'),
      userId: long(42),
      peer: new Api.PeerUser({ userId: long(42) }),
      msgId: 12,
      chatInstance: long(1),
      data: Buffer.from('rename:ünï', 'utf8'),
    });
    expect(callbackQueryOf(update, users)).toEqual({
      queryId: '-123456789012345',
      chatId: '42',
      messageId: 12,
      from: { id: '42', firstName: 'Ann', lastName: 'Lee', username: 'ann', isBot: false },
      data: 'rename:ünï',
    });
    expect(
      callbackQueryOf(
        new Api.UpdateBotCallbackQuery({ ...update, data: undefined, gameShortName: 'g' }),
        users,
      ),
    ).toBeUndefined();
  });

  it('finds the pts step of common-sequence updates only', () => {
    expect(ptsStepOf(new Api.UpdateNewMessage({ message: privateMessage(), pts: 8, ptsCount: 1 }))).toEqual({
      pts: 8,
      ptsCount: 1,
    });
    expect(ptsStepOf(new Api.UpdateDeleteMessages({ messages: [1, 2], pts: 10, ptsCount: 2 }))).toEqual({
      pts: 10,
      ptsCount: 2,
    });
    expect(ptsStepOf(new Api.UpdateShortSentMessage({ id: 1, pts: 11, ptsCount: 1, date: 0 }))).toEqual({
      pts: 11,
      ptsCount: 1,
    });
    expect(
      ptsStepOf(new Api.UpdateNewChannelMessage({ message: privateMessage(), pts: 3, ptsCount: 1 })),
    ).toBeUndefined();
    expect(
      ptsStepOf(
        new Api.UpdateBotCallbackQuery({
          queryId: long(1),
          userId: long(1),
          peer: new Api.PeerUser({ userId: long(1) }),
          msgId: 1,
          chatInstance: long(1),
        }),
      ),
    ).toBeUndefined();
  });
});

describe('storage messages', () => {
  const post = new Api.Message({
    id: 31,
    peerId: new Api.PeerChannel({ channelId: long(5) }),
    date: 1_700_000_200,
    message: 'trip',
    media: documentMedia([new Api.DocumentAttributeFilename({ fileName: 'trip.mkv' })], 'video/x-matroska'),
  });

  it('carries what a download needs, with the location the stream engine reads', () => {
    const stored = storedMessageOf(post, '5');
    expect(stored).toMatchObject({
      channelId: '5',
      messageId: 31,
      text: 'trip',
      media: {
        kind: 'document',
        fileName: 'trip.mkv',
        accessHash: '-5',
        location: {
          channelId: '5',
          messageId: 31,
          documentId: '9007199254740993',
          dcId: 4,
          size: 5_000_000_000,
        },
      },
    });
    expect([...stored!.media!.fileReference]).toEqual([1, 2, 3]);
    expect(storedMessageOf(new Api.MessageEmpty({ id: 31 }), '5')).toBeNull();
  });

  it('reads a document whole and a photo at its largest size', () => {
    const documentSource = fileSourceOf(post)!;
    expect(documentSource.inputLocation).toBeInstanceOf(Api.InputDocumentFileLocation);
    expect(documentSource.inputLocation.thumbSize).toBe('');
    const photoSource = fileSourceOf(
      new Api.Message({ ...post, media: new Api.MessageMediaPhoto({ photo }) }),
    )!;
    expect(photoSource).toMatchObject({ documentId: '77', dcId: 2 });
    expect(photoSource.inputLocation).toBeInstanceOf(Api.InputPhotoFileLocation);
    expect(photoSource.inputLocation.thumbSize).toBe('y');
    expect(fileSourceOf(new Api.Message({ ...post, media: undefined }))).toBeUndefined();
  });
});
