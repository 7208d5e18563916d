/** What one benchmark suite reports. */
export interface SuiteResult {
  /** Section title in the Markdown summary. */
  readonly title: string;
  /** Markdown body: a table of ratios measured in this run, plus short notes. */
  readonly markdown: string;
  /** Machine-readable measurements, written to `results/<suite>.json`. */
  readonly data: unknown;
}

/** A benchmark suite: a module under `src/suites/` whose default export is this. */
export interface Suite {
  /** Short id, also the file name of its results. */
  readonly name: string;
  run(): Promise<SuiteResult>;
}
