import { RecordEnds } from './crlf';

describe('RecordEnds: CRLF record ends for PostgreSQL CSV', () => {
  const convert = (chunks: string[]) => {
    const ends = new RecordEnds();
    return chunks.map((chunk) => ends.convert(Buffer.from(chunk, 'utf8')).toString('utf8')).join('');
  };

  it('turns record ends into CRLF and leaves line breaks inside quoted fields as they are', () => {
    expect(convert(['id,quote\n1,"two\nlines"\n2,"a ""quoted\r\n"" word"\n'])).toBe(
      'id,quote\r\n1,"two\nlines"\r\n2,"a ""quoted\r\n"" word"\r\n',
    );
  });

  it('keeps whether it is inside a quoted field across chunk boundaries, wherever the chunks are cut', () => {
    const file = 'a,b\n"x\ny",""""\n"",z\n"é\n😀",\n';
    const expected = 'a,b\r\n"x\ny",""""\r\n"",z\r\n"é\n😀",\r\n';
    const bytes = Buffer.from(file, 'utf8');
    for (let cut = 0; cut <= bytes.length; cut++) {
      const ends = new RecordEnds();
      const out = Buffer.concat([ends.convert(bytes.subarray(0, cut)), ends.convert(bytes.subarray(cut))]);
      expect(out.toString('utf8')).toBe(expected);
    }
  });

  it('returns a chunk without a record end unchanged', () => {
    const chunk = Buffer.from('"no end here');
    expect(new RecordEnds().convert(chunk)).toBe(chunk);
  });
});
