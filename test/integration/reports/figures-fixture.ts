// A store written straight into its rollups table, as a collector's would be: the collector's figures are computed
// as a collector computes them at its first start (rebuildFigures), with its windows closed up to `now`.
import { loadConfig } from '../../../collector/config/load.ts';
import { rebuildFigures } from '../../../collector/store/figures.ts';
import { openDatabase } from '../../../collector/store/sqlite.ts';
import { logRollups } from '../../../collector/store/rollupRows.ts';

/** Marks every switch's windows closed up to `now` (the collector ran until then) and computes the figures. */
export async function computeFigures(configFile: string, dbFile: string, now: number): Promise<void> {
  const db = openDatabase(dbFile);
  try {
    const mark = Math.floor(now / 300_000) * 300_000;
    const switches = db.prepare('SELECT DISTINCT switch FROM ports').all() as { switch: string }[];
    const put = db.prepare('INSERT INTO rollup_marks (switch, res, next_t) VALUES (?, 300, ?) ON CONFLICT (switch, res) DO UPDATE SET next_t = excluded.next_t');
    for (const s of switches) {
      put.run(s.switch, mark);
      // What the forwarder follows (as the collector's rollup records each closed window).
      logRollups(db, { switch: s.switch, res: 300, from: 0, to: mark, rows: 1 });
    }
    await rebuildFigures(db, loadConfig(configFile), { pause: async () => {} });
  } finally { db.close(); }
}
