import { Server, createServer, request } from 'node:http';
import { AddressInfo } from 'node:net';
import { drainServer, trackRequests } from './shutdown';

/** A server whose requests are answered only when the test says so. */
async function server(): Promise<{ server: Server; port: number; answer: () => void }> {
  const waiting: (() => void)[] = [];
  const srv = createServer((_req, res) => waiting.push(() => res.end('done')));
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  return { server: srv, port: (srv.address() as AddressInfo).port, answer: () => waiting.splice(0).forEach((f) => f()) };
}

function get(port: number): Promise<string> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/' }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve(body));
      res.on('error', () => resolve('cut off'));
    });
    req.on('error', () => resolve('cut off'));
    req.end();
  });
}

const until = async (done: () => boolean) => {
  while (!done()) await new Promise((r) => setTimeout(r, 5));
};

describe('drainServer (SIGTERM/SIGINT: SHUTDOWN_GRACE_MS)', () => {
  it('waits for the requests in flight that finish within the grace period', async () => {
    const { server: srv, port, answer } = await server();
    const requests = trackRequests(srv);
    const inFlight = [get(port), get(port)];
    await until(() => requests.inFlight() === 2);
    setTimeout(answer, 100);
    expect(await drainServer(srv, requests, 5_000)).toBe(0);
    expect(await Promise.all(inFlight)).toEqual(['done', 'done']);
  });

  it('cuts off, after the grace period, the requests still unanswered, and says how many', async () => {
    const { server: srv, port } = await server();
    const requests = trackRequests(srv);
    const inFlight = get(port);
    await until(() => requests.inFlight() === 1);
    const started = Date.now();
    expect(await drainServer(srv, requests, 300)).toBe(1);
    const waited = Date.now() - started;
    expect(waited).toBeGreaterThanOrEqual(290);
    expect(await inFlight).toBe('cut off');
  });
});
