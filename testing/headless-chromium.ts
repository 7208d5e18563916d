import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Executable names of Chromium, in the order they are looked for on `PATH`. */
const CHROMIUM_NAMES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];

/** The Chromium executable: `$CHROMIUM` if set, else the first of `CHROMIUM_NAMES` on `PATH`. */
export function findChromium(): string | undefined {
  if (process.env.CHROMIUM) return process.env.CHROMIUM;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    for (const name of CHROMIUM_NAMES) {
      const file = join(dir, name);
      if (existsSync(file)) return file;
    }
  }
  return undefined;
}

/**
 * Loads a page made of `script` in headless Chromium and returns the text that the page left in
 * its `#result` element: `PASS` when the script ran to its end, else `FAIL: <error>`.
 */
export function runInChromium(chromium: string, script: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'tala-net-browser-'));
  try {
    const page = join(dir, 'index.html');
    // The script is inlined: a classic <script> runs before the load event, so --dump-dom sees
    // its result. `</script` cannot occur in a bundle of our code, but is escaped anyway.
    writeFileSync(
      page,
      `<!doctype html><meta charset="utf-8"><title>tala-net</title><pre id="result"></pre>
<script>addEventListener('error', (e) => { document.getElementById('result').textContent = 'FAIL: ' + (e.error && e.error.stack || e.message); });</script>
<script>${script.replaceAll('</script', '<\\/script')}</script>
<script>{ const r = document.getElementById('result'); if (r.textContent === '') r.textContent = 'PASS'; }</script>
`,
    );
    const result = spawnSync(
      chromium,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--no-first-run',
        `--user-data-dir=${join(dir, 'profile')}`,
        '--dump-dom',
        pathToFileURL(page).href,
      ],
      { encoding: 'utf8', timeout: 120_000 },
    );
    const match = /<pre id="result">([\s\S]*?)<\/pre>/.exec(result.stdout ?? '');
    if (!match) {
      throw new Error(
        `Chromium printed no page (status ${result.status}, ${result.error ?? ''}):\n${result.stderr}`,
      );
    }
    return match[1]!.replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
