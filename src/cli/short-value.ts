/** A swept value for a terminal line: strings bare, a list of named shifts by their names, long JSON cut at `max` characters. */
export function shortValue(value: unknown, max = 48): string {
  if (typeof value === 'string') return value;
  const label = (v: unknown): string | undefined => {
    if (typeof v !== 'object' || v === null) return undefined;
    const o = v as Record<string, unknown>;
    return typeof o.name === 'string' ? o.name : typeof o.kind === 'string' ? o.kind : undefined;
  };
  const names = Array.isArray(value) ? value.map(label) : [];
  const text = names.length > 0 && names.every((n) => n !== undefined) ? `[${names.join(',')}]` : (JSON.stringify(value) ?? String(value));
  return text.length > max ? `${text.slice(0, max - 3)}...` : text;
}
