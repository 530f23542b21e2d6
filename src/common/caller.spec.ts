import { ChangeContext, changeContext, inChangeContext } from './caller';

const context = (operation: string): ChangeContext => ({ requestId: `req-${operation}`, account: null, operation });
const later = () => new Promise<void>((resolve) => setImmediate(resolve));

/** inChangeContext: each mutation sees its own context, and the storage is off once none is resolving. */
describe('inChangeContext', () => {
  it('keeps concurrent mutations apart and turns the storage off only when the last one settles', async () => {
    let releaseA!: () => void;
    let releaseB!: () => void;
    const seen: Record<string, (string | null | undefined)[]> = { a: [], b: [] };
    // A continuation created inside B that runs after everything settled: it carries B's store,
    // so it reads undefined only if the storage was really disabled.
    let afterwards!: Promise<string | null | undefined>;
    const a = inChangeContext(context('a'), async () => {
      await new Promise<void>((resolve) => (releaseA = resolve));
      seen.a.push(changeContext.getStore()?.operation);
    });
    const b = inChangeContext(context('b'), async () => {
      seen.b.push(changeContext.getStore()?.operation);
      const gate = new Promise<void>((resolve) => (releaseB = resolve));
      afterwards = gate.then(later).then(later).then(() => changeContext.getStore()?.operation);
      await gate;
      seen.b.push(changeContext.getStore()?.operation);
    });
    releaseA();
    await a;
    // A has settled, B has not: the storage must still be on for B.
    await later();
    releaseB();
    await b;
    expect(seen).toEqual({ a: ['a'], b: ['b', 'b'] });
    expect(await afterwards).toBeUndefined();
    expect(changeContext.getStore()).toBeUndefined();
  });

  it('settles a resolver that throws, synchronously or not, and runs the next one in its own context', async () => {
    expect(() => inChangeContext(context('sync'), () => { throw new Error('refused'); })).toThrow('refused');
    await expect(inChangeContext(context('async'), async () => { throw new Error('failed'); })).rejects.toThrow('failed');
    expect(inChangeContext(context('plain'), () => changeContext.getStore()?.operation)).toBe('plain');
    let inside!: Promise<string | null | undefined>;
    await inChangeContext(context('next'), async () => {
      inside = later().then(later).then(() => changeContext.getStore()?.operation);
    });
    // `next` has settled and nothing else is resolving: its late continuation reads nothing.
    expect(await inside).toBeUndefined();
  });
});
