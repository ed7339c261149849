// Compiled with `tsc --noEmit` (tests/types/tsconfig.json): the filesystem API type-checks.
import {
  createFilesystem,
  openFilesystem,
  run,
  Filesystem,
  FilesystemError,
  PersistentFilesystem,
  type FilesystemStat,
} from 'terrarium-wasm';

async function filesystem(): Promise<number> {
  const data: Filesystem = await createFilesystem({ 'a.txt': 'text', 'sub/b.bin': new Uint8Array([1, 2]), dir: { 'c.txt': 'c' } });
  const ro = await createFilesystem();
  const { exitCode } = await run('/components/wasi-fs.wasm', { preopens: { '/data': data, '/ro': { dir: ro, readOnly: true } } });
  data.writeFile('out.txt', 'x');
  data.mkdir('d/e');
  const bytes: Uint8Array = data.readFile('sub/b.bin');
  const stat: FilesystemStat = data.stat('a.txt', { follow: false });
  try {
    data.readText('missing');
  } catch (e) {
    if (e instanceof FilesystemError) return e.code.length;
  }
  return exitCode + bytes.length + stat.size + stat.modified.getTime() + data.readdir().length + (data.exists('x') ? 1 : 0);
}

void filesystem();

async function persistent(): Promise<boolean> {
  const fs: PersistentFilesystem = await openFilesystem({
    opfs: 'my-app',
    files: { 'seed.txt': 'first open only' },
    onPersistError: (error) => console.error(error),
    lockTimeout: 0,
    hooks: { move: (file, dir, name) => file.move(dir, name) },
  });
  const asFilesystem: Filesystem = fs;
  await run('/components/tool.wasm', { preopens: { '/data': fs, '/copy': { dir: asFilesystem, readOnly: true } } });
  fs.writeFile('note.txt', 'kept');
  await fs.flush();
  const name: string = fs.name;
  await fs.close();
  return fs.persisted && name.length > 0;
}

void persistent();
