// Builds the dashboard pages into dist/web: plain HTML pages, one small module per chart,
// chart.js bundled (no CDN, no external fonts).
import { defineConfig } from 'vite';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readdirSync } from 'node:fs';

const root = path.dirname(fileURLToPath(import.meta.url));
const pages = readdirSync(path.join(root, 'pages')).filter((f) => f.endsWith('.html'));

export default defineConfig({
  root: path.join(root, 'pages'),
  base: '/',
  logLevel: 'warn',
  build: {
    outDir: path.resolve(root, '../../dist/web'),
    emptyOutDir: true,
    rollupOptions: { input: Object.fromEntries(pages.map((p) => [p.replace(/\.html$/, ''), path.join(root, 'pages', p)])) },
  },
});
