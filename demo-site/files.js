// The playground's file browser: one in-memory filesystem (Terrarium's `createFilesystem`) that
// the page mounts into every run and instance of a component importing wasi:filesystem. Files can
// be uploaded (picked or dropped), viewed (text, or a hex dump), downloaded and deleted; after a
// guest runs, what it created or changed is marked.
//
// The filesystem is made on first use, so a page that never opens such a component never
// downloads the filesystem's wasm.

import { createFilesystem, FilesystemError } from '/dist/terrarium.js';
import { $, h, shortBytes } from './ui.js';

/** What a new (or reset) filesystem holds. */
const SEED = {
  'hello.txt': 'Hello from the playground!\nThis file lives in an in-memory filesystem that the page mounts into the guest.\n',
  'notes/ideas.md': '# Things to try\n\n- upload a file (or drop one here)\n- run `upper` on it, then download the result\n',
};

const state = {
  fs: null,
  /** path → `size:modified` before the last run, to mark what the guest changed. */
  before: null,
  /** path → 'new' | 'changed' | 'uploaded'. */
  marks: new Map(),
  selected: null,
  onChange: () => {},
};

/** The filesystem, made (and filled with the sample files) on the first call. */
export async function filesystem() {
  state.fs ??= await createFilesystem(SEED);
  return state.fs;
}

/** The mount point the user chose (`/data` by default), checked. */
export function mountPoint() {
  const value = $('mount-point').value.trim() || '/data';
  if (!/^\/[^\s]*$/.test(value) || value.split('/').some((s) => s === '..' || s === '.')) {
    throw new SyntaxError(`mount point: \`${value}\` is not an absolute path like /data`);
  }
  return value.replace(/\/+$/, '') || '/';
}

/** `{ [mount]: fs }` for `run()` / `instantiate({ wasi: { preopens } })`. */
export async function preopens() {
  return { [mountPoint()]: await filesystem() };
}

/** How many levels of folders the browser lists: deeper ones are there, just not shown. */
const MAX_SHOWN_DEPTH = 32;

/** Every entry down to MAX_SHOWN_DEPTH, depth first, directories before their contents. */
function walk(fs) {
  const out = [];
  // Depth first with a stack of its own: a guest may make a tree far deeper than JS can recurse.
  const pending = [];
  const enqueue = (dir, depth) => {
    if (depth > MAX_SHOWN_DEPTH) return;
    const names = fs.readdir(dir);
    for (let i = names.length - 1; i >= 0; i--) pending.push({ path: dir ? `${dir}/${names[i]}` : names[i], name: names[i], depth });
  };
  enqueue('', 0);
  while (pending.length > 0) {
    const entry = pending.pop();
    const st = fs.stat(entry.path, { follow: false });
    out.push({ ...entry, type: st.type, size: st.size, modified: st.modified });
    if (st.type === 'directory') enqueue(entry.path, entry.depth + 1);
  }
  return out;
}

const signature = (entry) => `${entry.type}:${entry.size}:${entry.modified?.getTime?.()}`;

/** Remembers the tree before a guest runs. */
export function beforeRun() {
  if (!state.fs) return;
  state.before = new Map(walk(state.fs).map((e) => [e.path, signature(e)]));
}

/** Marks what the guest made or changed since `beforeRun()`, and shows the tree again. */
export function afterRun() {
  if (!state.fs) return;
  if (state.before) {
    for (const entry of walk(state.fs)) {
      const was = state.before.get(entry.path);
      if (was === undefined) state.marks.set(entry.path, 'new');
      else if (was !== signature(entry) && entry.type !== 'directory') state.marks.set(entry.path, 'changed');
    }
    state.before = null;
  }
  render();
  if (state.selected) view(state.selected, false);
}

/** Shows or hides the panel; the filesystem is made when it is first shown. */
export async function showPanel(show) {
  $('files-panel').hidden = !show;
  if (!show) return;
  try {
    await filesystem();
  } catch (error) {
    $('file-list').replaceChildren(h('li', { class: 'file-empty', text: `Could not make the filesystem: ${error?.message ?? error}` }));
    return;
  }
  render();
  if (!state.selected) view('hello.txt', false);
  else view(state.selected, false);
}

function render() {
  const fs = state.fs;
  const list = $('file-list');
  const entries = walk(fs);
  if (entries.length === 0) {
    list.replaceChildren(h('li', { class: 'file-empty', text: 'Empty. Upload or drop a file.' }));
    return;
  }
  const mount = safeMount();
  list.replaceChildren(...entries.map((entry) => {
    const mark = state.marks.get(entry.path);
    const isDir = entry.type === 'directory';
    return h('li', {
      class: `file-row ${isDir ? 'dir' : 'file'} ${state.selected === entry.path ? 'selected' : ''}`,
      dataset: { testid: 'file-row', path: entry.path, type: entry.type },
      style: `--depth: ${entry.depth}`,
    },
    h('button', {
      type: 'button',
      class: 'file-open',
      title: isDir ? `${mount}/${entry.path}` : `View ${mount}/${entry.path}`,
      disabled: isDir,
      onclick: () => view(entry.path, true),
    }, h('span', { class: 'file-icon', 'aria-hidden': 'true', text: isDir ? '▸' : '' }), h('span', { class: 'file-label', text: isDir ? `${entry.name}/` : entry.name })),
    mark ? h('span', { class: `file-mark ${mark}`, dataset: { testid: 'file-mark' }, text: mark }) : null,
    h('span', { class: 'file-size', text: isDir ? '' : shortBytes(entry.size) }),
    h('span', { class: 'file-actions' },
      isDir ? null : h('button', { type: 'button', class: 'icon-button', title: `Download ${entry.name}`, 'aria-label': `Download ${entry.name}`, onclick: () => download(entry.path), text: '⤓' }),
      h('button', { type: 'button', class: 'icon-button danger-text', title: `Delete ${entry.name}`, 'aria-label': `Delete ${entry.name}`, dataset: { testid: 'file-delete' }, onclick: () => remove(entry.path), text: '×' })));
  }));
}

function safeMount() {
  try {
    return mountPoint();
  } catch {
    return '/data';
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The bytes as text when they are UTF-8 without NULs; else null. */
function asText(bytes) {
  if (bytes.includes(0)) return null;
  try {
    return utf8.decode(bytes);
  } catch {
    return null;
  }
}

function hexDump(bytes, limit = 1024) {
  const lines = [];
  for (let at = 0; at < Math.min(bytes.length, limit); at += 16) {
    const row = bytes.subarray(at, at + 16);
    const hex = [...row].map((b) => b.toString(16).padStart(2, '0')).join(' ');
    const ascii = [...row].map((b) => (b >= 32 && b < 127 ? String.fromCharCode(b) : '.')).join('');
    lines.push(`${at.toString(16).padStart(8, '0')}  ${hex.padEnd(47)}  ${ascii}`);
  }
  if (bytes.length > limit) lines.push(`… ${bytes.length - limit} more bytes`);
  return lines.join('\n');
}

function view(path, focus) {
  const fs = state.fs;
  const content = $('file-content');
  if (!fs.exists(path) || fs.stat(path).type !== 'regular-file') {
    state.selected = null;
    $('file-view-path').textContent = 'no file selected';
    $('file-view-size').textContent = '';
    $('file-download').disabled = true;
    content.replaceChildren(h('span', { class: 'hint', text: 'Pick a file to see what it holds.' }));
    content.dataset.kind = 'none';
    render();
    return;
  }
  state.selected = path;
  const bytes = fs.readFile(path);
  $('file-view-path').textContent = `${safeMount()}/${path}`;
  $('file-view-size').textContent = `${bytes.length.toLocaleString('en')} bytes`;
  $('file-download').disabled = false;
  const text = asText(bytes);
  const LIMIT = 200_000;
  if (text !== null) {
    content.textContent = text.length > LIMIT ? `${text.slice(0, LIMIT)}\n… (${text.length - LIMIT} more characters: download it to see them all)` : text;
    content.dataset.kind = 'text';
    if (text === '') content.replaceChildren(h('span', { class: 'hint', text: '(empty file)' }));
  } else {
    content.textContent = hexDump(bytes);
    content.dataset.kind = 'binary';
  }
  render();
  if (focus) content.focus({ preventScroll: true });
}

function download(path) {
  const bytes = state.fs.readFile(path);
  const url = URL.createObjectURL(new Blob([bytes], { type: 'application/octet-stream' }));
  const link = h('a', { href: url, download: path.split('/').pop() });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function remove(path) {
  state.fs.remove(path);
  for (const key of [...state.marks.keys()]) if (key === path || key.startsWith(`${path}/`)) state.marks.delete(key);
  if (state.selected === path || state.selected?.startsWith(`${path}/`)) state.selected = null;
  render();
  view(state.selected ?? '', false);
}

/** Adds files (a FileList or an array of File) at the filesystem's root. */
export async function upload(files) {
  const fs = await filesystem();
  let first = null;
  for (const file of files) {
    const name = file.name.replace(/[\\/]/g, '_') || 'upload.bin';
    fs.writeFile(name, new Uint8Array(await file.arrayBuffer()));
    state.marks.set(name, 'uploaded');
    first ??= name;
  }
  render();
  if (first) view(first, false);
  state.onChange();
}

async function reset() {
  const fs = await filesystem();
  for (const name of fs.readdir()) fs.remove(name);
  for (const [path, content] of Object.entries(SEED)) fs.writeFile(path, content);
  state.marks.clear();
  state.selected = null;
  render();
  view('hello.txt', false);
  state.onChange();
}

/** Wires the panel's controls; `onChange` is told when the files or the mount point change. */
export function wireFiles({ onChange = () => {} } = {}) {
  state.onChange = onChange;
  const input = $('files-upload');
  input.addEventListener('change', async () => {
    const files = [...input.files];
    input.value = '';
    await upload(files);
  });
  $('files-reset').addEventListener('click', () => reset());
  $('file-download').addEventListener('click', () => state.selected && download(state.selected));
  $('mount-point').addEventListener('input', () => {
    const box = $('mount-point');
    try {
      mountPoint();
      box.setCustomValidity('');
    } catch (error) {
      box.setCustomValidity(error.message);
    }
    if (state.fs) {
      render();
      if (state.selected) $('file-view-path').textContent = `${safeMount()}/${state.selected}`;
    }
    onChange();
  });
  const panel = $('files-panel');
  const over = (on) => (event) => {
    if (!event.dataTransfer?.types?.includes('Files')) return;
    event.preventDefault();
    event.stopPropagation();
    panel.classList.toggle('dragging', on);
  };
  panel.addEventListener('dragenter', over(true));
  panel.addEventListener('dragover', over(true));
  panel.addEventListener('dragleave', (event) => {
    if (!panel.contains(event.relatedTarget)) panel.classList.remove('dragging');
  });
  panel.addEventListener('drop', (event) => {
    event.preventDefault();
    event.stopPropagation(); // not a component to open: a file for the guest
    panel.classList.remove('dragging');
    const files = [...(event.dataTransfer?.files ?? [])];
    if (files.length) upload(files);
  });
}

export { FilesystemError };
