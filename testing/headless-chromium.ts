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
 * Loads one page that runs `scripts` one after the other, each as a classic `<script>`, in
 * headless Chromium, and returns what each left in its own result element: `PASS` when it ran to
 * its end, else `FAIL: <error>`. A script that throws does not stop the next ones.
 */
export function runInChromium(chromium: string, scripts: readonly string[]): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'tala-net-browser-'));
  try {
    const page = join(dir, 'index.html');
    // Scripts are inlined: classic scripts run before the load event, so --dump-dom sees their
    // results. `</script` cannot occur in a bundle of our code, but is escaped anyway.
    const body = scripts
      .map(
        (script, index) => `<pre id="result-${index}"></pre>
<script>current = ${index};</script>
<script>${script.replaceAll('</script', '<\\/script')}</script>
<script>{ const r = document.getElementById('result-${index}'); if (r.textContent === '') r.textContent = 'PASS'; }</script>`,
      )
      .join('\n');
    writeFileSync(
      page,
      `<!doctype html><meta charset="utf-8"><title>tala-net</title>
<script>var current = -1; addEventListener('error', (e) => { document.getElementById('result-' + current).textContent = 'FAIL: ' + ((e.error && e.error.stack) || e.message); });</script>
${body}
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
    const output = result.stdout ?? '';
    return scripts.map((_, index) => {
      const match = new RegExp(`<pre id="result-${index}">([\\s\\S]*?)</pre>`).exec(output);
      if (!match) {
        throw new Error(
          `Chromium printed no result ${index} (status ${result.status}, ${result.error ?? ''}):\n${result.stderr}`,
        );
      }
      return match[1]!.replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&');
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
