import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const DOCS_PATH = '/api/docs';
export const OPENAPI_JSON_PATH = `${DOCS_PATH}/openapi.json`;

/** The files of the swagger-ui-dist package the page loads, served from node_modules: nothing comes from the internet. */
const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
  'favicon-16x16.png': 'image/png',
};

// package.json, not the package's main: that one loads the 1.5 MB bundle into Node.
const assetDir = (): string => dirname(require.resolve('swagger-ui-dist/package.json'));
const cache = new Map<string, Buffer>();

/** An asset by file name, or null for anything not in the list (no path from a request reaches the file system). */
export function swaggerUiAsset(name: string): { contentType: string; body: Buffer } | null {
  const contentType = ASSETS[name];
  if (contentType === undefined) return null;
  let body = cache.get(name);
  if (!body) cache.set(name, (body = readFileSync(join(assetDir(), name))));
  return { contentType, body };
}

/**
 * The page. The start-up script is a file of ours rather than inline, so a strict
 * Content-Security-Policy can allow 'self' scripts only. validatorUrl null: Swagger UI would
 * otherwise send the document to validator.swagger.io for its badge.
 */
export const SWAGGER_UI_HTML = `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="UTF-8">
    <title>Vigil API</title>
    <link rel="stylesheet" type="text/css" href="${DOCS_PATH}/swagger-ui.css">
    <link rel="icon" type="image/png" href="${DOCS_PATH}/favicon-32x32.png" sizes="32x32">
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="${DOCS_PATH}/swagger-ui-bundle.js" charset="UTF-8"></script>
    <script src="${DOCS_PATH}/swagger-ui-standalone-preset.js" charset="UTF-8"></script>
    <script src="${DOCS_PATH}/swagger-initializer.js" charset="UTF-8"></script>
  </body>
</html>
`;

export const SWAGGER_INITIALIZER_JS = `window.onload = function () {
  window.ui = SwaggerUIBundle({
    url: ${JSON.stringify(OPENAPI_JSON_PATH)},
    dom_id: '#swagger-ui',
    deepLinking: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    layout: 'StandaloneLayout',
  });
};
`;
