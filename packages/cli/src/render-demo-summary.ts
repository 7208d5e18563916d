import type { DemoSummary } from './demo.js';
import { textTable } from './text-table.js';

/** The summary table `tala-net demo` prints at the end. */
export function renderDemoSummary(summary: DemoSummary): string {
  const failed = Object.entries(summary.failed);
  const failedText =
    failed.length === 0 ? '0' : failed.map(([code, count]) => `${count} ${code}`).join(', ');
  const ms = (value: number | null): string => (value === null ? 'not seen' : `${value} ms`);
  const rows: [string, string][] = [
    ['nodes', `${summary.nodes} processes (node ${summary.killed} killed and restarted)`],
    ['intents acknowledged', `${summary.acknowledged}/${summary.intents}`],
    ['submissions failed', failedText],
    ['delivered exactly once', `${summary.deliveredOnce}/${summary.acknowledged}`],
    ['delivered twice or more', String(summary.duplicated)],
    ['acknowledged, never delivered', String(summary.lost)],
    [
      'in doubt (IntentInDoubt)',
      summary.inDoubt === 0
        ? '0'
        : `${summary.inDoubt}: accepted by the killed owner, ${summary.inDoubtDelivered} of them delivered once, the others never`,
    ],
    ['any intent delivered twice', String(summary.deliveredTwice)],
    ['misroutes', String(summary.misroutes)],
    ['suspected after', ms(summary.suspectedAfterMs)],
    ['detection (dead for all)', ms(summary.detectedAfterMs)],
    ['rebalanced after', `${summary.rebalancedAfterMs} ms`],
    [
      'partitions moved',
      `${summary.ownersMoved} changed owner, ${summary.holdersChanged} changed holders`,
    ],
    ['rejoined after', `${summary.rejoinedAfterMs} ms`],
    ['replicas identical', `${summary.replicasIdentical}/${summary.partitions} partitions`],
    ['seed', String(summary.seed)],
    ['duration', `${(summary.durationMs / 1000).toFixed(1)} s`],
  ];
  return textTable(['SUMMARY', ''], rows);
}
