import net from 'node:net';
import { FramedNetSocket } from '../mtproto-transport.ts';

/** A {@link FramedNetSocket} connected to a local server socket the test writes raw bytes to. */
export async function framedSocketPair(): Promise<{
  client: FramedNetSocket;
  server: net.Socket;
  close(): void;
}> {
  const accepted = Promise.withResolvers<net.Socket>();
  const listener = net.createServer((socket) => accepted.resolve(socket));
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  const { port } = listener.address() as net.AddressInfo;
  const client = new FramedNetSocket();
  await client.connect(port, '127.0.0.1');
  const server = await accepted.promise;
  return {
    client,
    server,
    close: () => {
      server.destroy();
      listener.close();
      void client.close();
    },
  };
}
