/**
 * A TCP load balancer on 127.0.0.1 for the tests of several directory instances, doing
 * what a real one (HAProxy in TCP mode, a Kubernetes Service) does for event streams:
 * each new connection goes to the next instance in turn, one that refuses connections
 * is skipped, bytes pass both ways untouched and unbuffered, and when an instance's side
 * of a connection goes, the client's side goes too (so its agent reconnects, and lands
 * on an instance that is up).
 */
import net from 'node:net';

export interface Balancer {
  url: string;
  /** How many client connections each backend holds now. */
  connections(): number[];
  /** While true, new connections are closed at once (as during a failover's gap); open ones stay. */
  refuseNew(refusing: boolean): void;
  close(): Promise<void>;
}

export async function startBalancer(backends: Array<{ host: string; port: number }>): Promise<Balancer> {
  let next = 0;
  let refusing = false;
  const open = backends.map(() => new Set<net.Socket>());
  const clients = new Set<net.Socket>();

  function connect(client: net.Socket, tried: number): void {
    if (tried >= backends.length) return void client.destroy();
    const index = next;
    next = (next + 1) % backends.length;
    const backend = net.connect(backends[index]!);
    backend.setNoDelay(true);
    let connected = false;
    backend.on('error', () => {
      // Refused (the instance is down) before anything passed: the next one.
      if (!connected) connect(client, tried + 1);
      else client.destroy();
    });
    backend.once('connect', () => {
      connected = true;
      open[index]!.add(client);
      client.pipe(backend);
      backend.pipe(client);
      backend.once('close', () => {
        open[index]!.delete(client);
        client.destroy();
      });
      client.once('close', () => backend.destroy());
      client.resume();
    });
  }

  const server = net.createServer({ pauseOnConnect: true }, (client) => {
    if (refusing) return void client.destroy();
    clients.add(client);
    client.setNoDelay(true);
    client.on('error', () => client.destroy());
    client.once('close', () => clients.delete(client));
    connect(client, 0);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    connections: () => open.map((s) => s.size),
    refuseNew: (value) => {
      refusing = value;
    },
    close: () =>
      new Promise((resolve) => {
        for (const client of clients) client.destroy();
        server.close(() => resolve());
      }),
  };
}
