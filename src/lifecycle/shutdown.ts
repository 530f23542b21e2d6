import { Server } from 'node:http';

/** Counts the requests a server is answering, so that a shutdown can wait for them. */
export function trackRequests(server: Server): { inFlight: () => number; draining: () => void } {
  let inFlight = 0;
  let draining = false;
  server.on('request', (_req, res) => {
    inFlight++;
    // While draining, a keep-alive connection is closed after its answer.
    if (draining) res.setHeader('connection', 'close');
    res.once('close', () => inFlight--);
  });
  return { inFlight: () => inFlight, draining: () => (draining = true) };
}

/**
 * Stops accepting connections, waits up to `graceMs` for the requests in flight, then
 * closes every connection. Returns how many requests were still unanswered.
 */
export async function drainServer(server: Server, requests: ReturnType<typeof trackRequests>, graceMs: number): Promise<number> {
  requests.draining();
  server.close();
  server.closeIdleConnections();
  const deadline = Date.now() + graceMs;
  while (requests.inFlight() > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  const unfinished = requests.inFlight();
  server.closeAllConnections();
  return unfinished;
}
