import { createServer, type Server } from 'node:net';
import { type DcServices, MtprotoConnection } from './connection.ts';

/** One sandbox data centre: a TCP listener on a loopback port. */
export class DcServer {
  readonly dcId: number;
  readonly host: string;
  readonly #server: Server;
  readonly #connections = new Set<MtprotoConnection>();
  #port = 0;

  private constructor(services: DcServices, host: string) {
    this.dcId = services.dcId;
    this.host = host;
    this.#server = createServer((socket) => {
      const connection = new MtprotoConnection(socket, services);
      this.#connections.add(connection);
      socket.once('close', () => this.#connections.delete(connection));
    });
  }

  static async listen(services: DcServices, host: string, port: number): Promise<DcServer> {
    const dc = new DcServer(services, host);
    await new Promise<void>((resolve, reject) => {
      dc.#server.once('error', reject);
      dc.#server.listen(port, host, () => {
        dc.#server.off('error', reject);
        resolve();
      });
    });
    const address = dc.#server.address();
    if (address === null || typeof address === 'string') throw new Error('DC listener has no TCP address');
    dc.#port = address.port;
    return dc;
  }

  get port(): number {
    return this.#port;
  }

  connections(): Iterable<MtprotoConnection> {
    return this.#connections;
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    for (const connection of this.#connections) connection.close();
    await closed;
  }
}
