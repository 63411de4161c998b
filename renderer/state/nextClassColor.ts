/** A colour far from the ones in use: golden-angle hues, skipping exact repeats. */
export function nextClassColor(used: readonly string[]): string {
  const taken = new Set(used.map((c) => c.toLowerCase()));
  for (let i = used.length; ; i++) {
    const color = hslToHex((i * 137.508) % 360, 0.62, 0.52);
    if (!taken.has(color)) return color;
  }
}

function hslToHex(h: number, s: number, l: number): string {
  const a = s * Math.min(l, 1 - l);
  const channel = (n: number) => {
    const k = (n + h / 30) % 12;
    const c = l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1));
    return Math.round(c * 255)
      .toString(16)
      .padStart(2, '0');
  };
  return `#${channel(0)}${channel(8)}${channel(4)}`;
}
