import { describe, expect, it } from 'vitest';

import { isTrustedSender, mayNavigate, windowOpenDecision } from '../../../../electron/shell/windowPolicy';

describe('IPC sender check', () => {
  it('accepts only the studio page in a top-level frame', () => {
    expect(isTrustedSender({ url: 'app://studio/index.html', parent: null })).toBe(true);
    expect(isTrustedSender({ url: 'app://studio/index.html#/editor/3', parent: null })).toBe(true);
  });

  it.each([
    ['a web page', { url: 'https://example.com/', parent: null }],
    ['a look-alike host', { url: 'app://studio.evil/index.html', parent: null }],
    ['a user:password trick', { url: 'app://studio@evil/index.html', parent: null }],
    ['a file page', { url: 'file:///tmp/index.html', parent: null }],
    ['an iframe inside the studio', { url: 'app://studio/index.html', parent: {} }],
    ['a frame that is gone', null],
    ['an empty URL', { url: '', parent: null }],
  ])('refuses %s', (_name, frame) => {
    expect(isTrustedSender(frame)).toBe(false);
  });
});

describe('navigation and new windows', () => {
  it('keeps the window on the studio', () => {
    expect(mayNavigate('app://studio/index.html')).toBe(true);
    for (const url of ['https://example.com/', 'http://127.0.0.1:8080/', 'file:///etc/passwd', 'app://other/', 'javascript:alert(1)', 'about:blank', 'garbage']) {
      expect(mayNavigate(url), url).toBe(false);
    }
  });

  it('opens no window; only https links go to the default browser', () => {
    expect(windowOpenDecision('https://arxiv.org/abs/1411.4038')).toEqual({ action: 'deny', openExternally: true });
    for (const url of ['http://example.com/', 'file:///etc/passwd', 'javascript:alert(1)', 'smb://host/share', 'app://studio/index.html', 'nonsense']) {
      expect(windowOpenDecision(url), url).toEqual({ action: 'deny', openExternally: false });
    }
  });
});
