import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';

/** Paths that are never the SPA: the API, the OTLP receiver, Slack, probes and metrics. */
const NOT_THE_SPA = /^\/(api|v1|slack)(\/|$)|^\/(healthz|readyz|metrics)$/i;

/**
 * Where Vite put the dashboard: `dist/web` at the repository root. From the sources
 * (apps/api/src/web, under jest) and from the build (dist/apps/api/src/web) alike.
 */
export function dashboardDir(): string | null {
  const up = resolve(__dirname, '..', '..', '..', '..');
  for (const dir of [join(up, 'dist', 'web'), join(up, 'web')]) if (existsSync(join(dir, 'index.html'))) return dir;
  return null;
}

/**
 * Serves the built dashboard at `/`: hashed assets with a year's cache (a new build has new
 * names), index.html never cached, and index.html for any other GET a browser navigates to
 * outside /api, /v1 and /slack (the SPA routes in the hash, but deep links still land).
 */
export function installDashboard(app: NestExpressApplication, dir: string | null = dashboardDir()): void {
  if (!dir) {
    app.use((req: Request, res: Response, next: NextFunction) => {
      if (req.method === 'GET' && req.path === '/') res.type('text/plain').send('The dashboard is not built: run `node tools/build.mjs` (npm start does).\n');
      else next();
    });
    return;
  }
  const index = join(dir, 'index.html');
  app.useStaticAssets(dir, {
    index: false,
    setHeaders: (res, path) => {
      if (/[\\/]assets[\\/]/.test(path)) res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
      else res.setHeader('Cache-Control', 'no-cache');
    },
  });
  app.use((req: Request, res: Response, next: NextFunction) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || NOT_THE_SPA.test(req.path) || !(req.accepts(['html', 'json']) === 'html' || req.path === '/')) return next();
    if (/^\/assets\//.test(req.path)) return next(); // a missing asset is a 404, not the page
    res.setHeader('Cache-Control', 'no-cache');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.sendFile(index);
  });
}
