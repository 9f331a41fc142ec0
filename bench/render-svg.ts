/**
 * Vega-Lite specifications to SVG files, headless: Vega renders SVG in Node without a canvas (text
 * widths are estimated). Both libraries are ES modules, loaded with import() from this CommonJS
 * build.
 */
import fs from 'node:fs';
import path from 'node:path';

import type { Chart } from './charts';

interface VegaLite {
  compile(spec: unknown): { spec: unknown };
}

interface VegaView {
  toSVG(): Promise<string>;
  finalize(): void;
}

interface Vega {
  parse(spec: unknown): unknown;
  View: new (runtime: unknown, options: { renderer: 'none' }) => VegaView;
}

export async function renderSvg(chart: Chart): Promise<string> {
  const vega = (await import('vega')) as unknown as Vega;
  const vegaLite = (await import('vega-lite')) as unknown as VegaLite;
  const view = new vega.View(vega.parse(vegaLite.compile(chart.spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Writes every chart into `dir`; returns the paths written. */
export async function writeCharts(charts: readonly Chart[], dir: string): Promise<string[]> {
  fs.mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  for (const chart of charts) {
    const file = path.join(dir, chart.file);
    fs.writeFileSync(file, await renderSvg(chart));
    written.push(file);
  }
  return written;
}
