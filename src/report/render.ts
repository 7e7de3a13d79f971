import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

// The one place charts become pictures: Vega-Lite -> Vega -> SVG (headless View, renderer 'none'),
// then SVG -> PNG with resvg. No file access here; callers write the results.

/** Render a Vega-Lite spec to an SVG document. Deterministic: the spec carries its data and no randomness. */
export async function specToSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none', logLevel: vega.Error });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/**
 * Rasterize an SVG to PNG at `scale` x its size with the system fonts (the spec's font list picks the
 * first one installed; DejaVu Sans as the last resort).
 */
export function svgToPng(svg: string, scale = 2): Buffer {
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: scale },
    background: 'white',
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' },
  });
  return resvg.render().asPng();
}

/** An SVG document ready to inline in HTML: no XML prolog, no namespace declarations (HTML implies them). */
export function inlineSvg(svg: string): string {
  return svg
    .replace(/^<\?xml[^>]*>\s*/, '')
    .replace(/\s+xmlns(:xlink)?="[^"]*"/g, '');
}
