import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative, sep } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

import { resolveAppFile } from '../../../../electron/shell/appProtocol';

// A real renderer folder next to a secret, so an escape would name an existing file.
const root = realpathSync(mkdtempSync(join(tmpdir(), 'fcn-app-protocol-')));
const rendererDir = join(root, 'renderer');
mkdirSync(join(rendererDir, 'assets'), { recursive: true });
writeFileSync(join(rendererDir, 'index.html'), '<!doctype html>');
writeFileSync(join(root, 'secret.txt'), 'not for the page');
afterAll(() => rmSync(root, { recursive: true, force: true }));

function fileOf(url: string): string | null {
  const resolved = resolveAppFile(rendererDir, url);
  return 'file' in resolved ? resolved.file : null;
}

describe('app:// path resolution', () => {
  it('serves files inside the renderer folder, index.html for the root', () => {
    expect(fileOf('app://studio/')).toBe(join(rendererDir, 'index.html'));
    expect(fileOf('app://studio/index.html')).toBe(join(rendererDir, 'index.html'));
    expect(fileOf('app://studio/assets/index-abc.js?v=1#x')).toBe(join(rendererDir, 'assets', 'index-abc.js'));
    expect(fileOf('app://studio/assets/a%20b.css')).toBe(join(rendererDir, 'assets', 'a b.css'));
  });

  it.each([
    ['encoded dots and slash', 'app://studio/assets%2f%2e%2e%2f%2e%2e%2fsecret.txt'],
    ['dots that URL parsing keeps', 'app://studio/%252e%252e/x'.replace('%252e%252e', '..%2f..')],
    ['encoded backslashes', 'app://studio/assets%5c..%5c..%5csecret.txt'],
    ['a Windows drive', 'app://studio/C:%5cWindows%5cwin.ini'],
    ['an encoded drive', 'app://studio/c%3a/Windows/win.ini'],
  ])('refuses %s (403)', (_name, url) => {
    expect(resolveAppFile(rendererDir, url)).toMatchObject({ status: 403 });
  });

  it('lets URL parsing consume encoded dot segments first, as Chromium does: they stay inside', () => {
    expect(fileOf('app://studio/%2e%2e/secret.txt')).toBe(join(rendererDir, 'secret.txt'));
    expect(fileOf('app://studio/assets/%2E%2E/%2E%2E/secret.txt')).toBe(join(rendererDir, 'secret.txt'));
  });

  it('never names a file outside the renderer folder, whatever the path', () => {
    const tricks = ['..', '%2e%2e', '%252e%252e', '.%2e', '%2e.', '...', '%00', '%5c', '%2f', '/', '//', 'secret.txt', root.slice(1)];
    for (const a of tricks) {
      for (const b of tricks) {
        const file = fileOf(`app://studio/${a}/${b}/secret.txt`);
        const inside = file === null ? '' : relative(rendererDir, file);
        expect(inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside), `${a}/${b}`).toBe(false);
      }
    }
  });

  it('takes an absolute path in the URL as relative to the renderer folder', () => {
    // URL parsing keeps "//etc/passwd" as a path on our host, never as a file system root.
    expect(fileOf(`app://studio/${root}/secret.txt`)).toBe(join(rendererDir, ...root.split('/').filter(Boolean), 'secret.txt'));
    expect(fileOf('app://studio//etc/passwd')).toBe(join(rendererDir, 'etc', 'passwd'));
  });

  it('refuses other hosts, other schemes, a NUL and malformed encoding', () => {
    expect(resolveAppFile(rendererDir, 'app://evil/index.html')).toMatchObject({ status: 403 });
    expect(resolveAppFile(rendererDir, 'app://studio.evil/index.html')).toMatchObject({ status: 403 });
    expect(resolveAppFile(rendererDir, 'file:///etc/passwd')).toMatchObject({ status: 403 });
    expect(resolveAppFile(rendererDir, 'app://studio/index.html%00.png')).toMatchObject({ status: 400 });
    expect(resolveAppFile(rendererDir, 'app://studio/%E0%A4%A')).toMatchObject({ status: 400 });
    expect(resolveAppFile(rendererDir, 'not a url')).toMatchObject({ status: 400 });
  });
});
