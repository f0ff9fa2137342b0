import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy in front of a real server, so a test can cut every connection (as a database
 * restart or a network partition does), or stall them (as an overloaded server does), without
 * touching the server other suites share.
 */
export class TcpProxy {
  private readonly sockets = new Set<Socket>();
  private down = false;
  private stalled = false;
  /** Bytes held back while stalled, per destination, in order. */
  private readonly held = new Map<Socket, Buffer[]>();

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(target: { host: string; port: number }): Promise<TcpProxy> {
    const state = { proxy: undefined as TcpProxy | undefined };
    const server = createServer((client) => {
      const proxy = state.proxy as TcpProxy;
      if (proxy.down) {
        client.destroy();
        return;
      }
      const upstream = connect(target.port, target.host);
      for (const s of [client, upstream]) {
        proxy.sockets.add(s);
        s.on('close', () => {
          proxy.sockets.delete(s);
          proxy.held.delete(s);
        });
        s.on('error', () => undefined);
      }
      proxy.forward(client, upstream);
      proxy.forward(upstream, client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    state.proxy = new TcpProxy(server, typeof address === 'object' && address ? address.port : 0);
    return state.proxy;
  }

  /** Drops every open connection and refuses new ones until `restore()`. */
  cut(): void {
    this.down = true;
    for (const s of this.sockets) s.destroy();
  }

  restore(): void {
    this.down = false;
  }

  /** Holds every byte in both directions (connections stay open) until `unstall()`. */
  stall(): void {
    this.stalled = true;
  }

  unstall(): void {
    this.stalled = false;
    for (const [destination, chunks] of this.held) {
      for (const chunk of chunks) destination.write(chunk);
    }
    this.held.clear();
  }

  async stop(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private forward(from: Socket, to: Socket): void {
    from.on('data', (chunk: Buffer) => {
      if (!this.stalled) {
        to.write(chunk);
        return;
      }
      const queue = this.held.get(to);
      if (queue) queue.push(chunk);
      else this.held.set(to, [chunk]);
    });
  }
}
