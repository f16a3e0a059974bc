// PDF rendering through Debian's Chromium in headless print mode (no other renderer to install).
// Runs chromium on a temporary copy of the HTML with no network access; never leaves temp files behind.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** The Chromium binary: $IXMETER_CHROMIUM, else Debian's `chromium`. */
export function chromiumPath(): string {
  return process.env.IXMETER_CHROMIUM || 'chromium';
}

/** Prints HTML to PDF bytes with headless Chromium. Throws with Chromium's own message when it fails. */
export async function renderPdf(html: string, opts: { timeoutMs?: number } = {}): Promise<Buffer> {
  const dir = mkdtempSync(path.join(tmpdir(), 'ixmeter-pdf-'));
  try {
    const src = path.join(dir, 'report.html');
    const out = path.join(dir, 'report.pdf');
    writeFileSync(src, html);
    const args = [
      '--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-extensions', '--no-pdf-header-footer',
      `--user-data-dir=${path.join(dir, 'profile')}`, `--print-to-pdf=${out}`, pathToFileURL(src).href,
    ];
    await new Promise<void>((resolve, reject) => {
      execFile(chromiumPath(), args, { timeout: opts.timeoutMs ?? 120_000 }, (err, _stdout, stderr) => {
        if (err) {
          const code = (err as NodeJS.ErrnoException).code;
          reject(new Error(code === 'ENOENT' ? `${chromiumPath()} not found: install Debian's chromium package (or set IXMETER_CHROMIUM)` : `chromium failed: ${String(stderr).trim().split('\n').slice(-3).join(' ') || err.message}`));
        } else resolve();
      });
    });
    return readFileSync(out);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
