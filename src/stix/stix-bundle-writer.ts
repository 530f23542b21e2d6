import { once } from 'node:events';
import { Writable } from 'node:stream';
import { StixObject } from './stix-export-mapping';

/**
 * Writes a bundle as its objects come: the envelope, then each object as soon as it is
 * read, waiting whenever the reader is slower (backpressure), so nothing accumulates.
 * Returns the number of objects written.
 */
export async function writeBundle(out: Writable, bundleId: string, objects: AsyncIterable<StixObject>): Promise<number> {
  let count = 0;
  const write = async (text: string) => {
    if (!out.write(text)) await once(out, 'drain');
  };
  await write(`{"type":"bundle","id":${JSON.stringify(bundleId)},"objects":[`);
  let parts: string[] = [];
  let size = 0;
  for await (const object of objects) {
    const json = JSON.stringify(object);
    parts.push(count++ === 0 ? '\n' : ',\n', json);
    size += json.length;
    // A few objects per write: one write per object costs more than the JSON itself.
    if (size > 256 * 1024) {
      await write(parts.join(''));
      parts = [];
      size = 0;
    }
  }
  await write(`${parts.join('')}\n]}\n`);
  return count;
}
