import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy } from '../../../../shared/contract/contentSecurityPolicy';

const directives = (csp: string) => new Map(csp.split('; ').map((d) => [d.split(' ')[0], d] as const));

describe('contentSecurityPolicy', () => {
  it('lets only browser mode connect to its WebSocket backend', () => {
    expect(directives(contentSecurityPolicy('websocket')).get('connect-src')).toBe("connect-src 'self' ws: wss:");
    expect(directives(contentSecurityPolicy('ipc')).has('connect-src')).toBe(false);
  });

  it('allows no inline or foreign script in either transport', () => {
    for (const transport of ['ipc', 'websocket'] as const) {
      const d = directives(contentSecurityPolicy(transport));
      expect(d.get('script-src')).toBe("script-src 'self'");
      expect(d.get('object-src')).toBe("object-src 'none'");
      expect(d.get('frame-ancestors')).toBe("frame-ancestors 'none'");
    }
  });
});
