import { once } from 'node:events';
import { Writable } from 'node:stream';
import { StixObject } from './stix-export-mapping';

/**
 * Characters gathered before one write: one write per object costs more than the JSON itself,
 * and a chunk below V8's large-object size (128 KB) is young-generation garbage, not old.
 */
const CHUNK = 60 * 1024;

/**
 * Writes a bundle as its objects come: the envelope, then each page of objects as soon as it
 * is read (objects, or their JSON text), waiting whenever the reader is slower (backpressure: `write` answering false →
 * wait for 'drain'), so nothing accumulates beyond one chunk. Returns the number of objects written.
 */
export async function writeBundle(out: Writable, bundleId: string, pages: AsyncIterable<(StixObject | string)[]>): Promise<number> {
  let count = 0;
  const write = async (text: string) => {
    if (!out.write(text)) await once(out, 'drain');
  };
  await write(`{"type":"bundle","id":${JSON.stringify(bundleId)},"objects":[`);
  let text = '';
  for await (const page of pages) {
    for (const object of page) {
      // A string is an object's JSON already (StixExportService.jsonPages).
      text += (count++ === 0 ? '\n' : ',\n') + (typeof object === 'string' ? object : JSON.stringify(object));
      if (text.length > CHUNK) {
        await write(text);
        text = '';
      }
    }
  }
  await write(`${text}\n]}\n`);
  return count;
}
