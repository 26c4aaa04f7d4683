import type { CommitRecord } from '../signals/gitHistory';
import type { FileLinks } from '../../nextEdit/fileLinks';

/** Anything the next-file replay can score: Ondi's ranker and each baseline. */
export interface NextFilePredictor {
  readonly name: string;
  /**
   * Up to `limit` files expected to change together with `query`, best first. `links`: what the
   * code says about the query (see linkHistory.ts), when read.
   */
  predict(query: string, limit: number, links?: FileLinks): readonly string[];
  /**
   * Learns a commit after it was scored (or before the window). `query` is set when the commit
   * is one the protocol queries (2..20 files), so learners can train on the outcome.
   */
  learn(commit: CommitRecord, query: string | undefined, links?: FileLinks): void;
}
