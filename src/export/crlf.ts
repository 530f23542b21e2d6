const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

/**
 * PostgreSQL's CSV ends records with LF (on Unix servers); RFC 4180 ends them with CRLF. This
 * turns each record end into CRLF and leaves line breaks inside quoted fields as they are (a
 * field holding a line break is always quoted by PostgreSQL). It keeps whether the stream is
 * inside a quoted field across chunks: a doubled quote inside a field toggles twice.
 */
export class RecordEnds {
  private quoted = false;

  /** The chunk with CRLF record ends; the same buffer when it holds no record end. */
  convert(chunk: Buffer): Buffer {
    let quoted = this.quoted;
    const ends: number[] = [];
    const length = chunk.length;
    for (let i = 0; i < length; i++) {
      const byte = chunk[i];
      if (byte === QUOTE) quoted = !quoted;
      else if (byte === LF && !quoted) ends.push(i);
    }
    this.quoted = quoted;
    if (ends.length === 0) return chunk;
    const out = Buffer.allocUnsafe(length + ends.length);
    let from = 0;
    let at = 0;
    for (const end of ends) {
      at += chunk.copy(out, at, from, end);
      out[at++] = CR;
      out[at++] = LF;
      from = end + 1;
    }
    chunk.copy(out, at, from, length);
    return out;
  }
}
