import { NextFileRanker, type NextFileRankerOptions } from '../learners/fileRanker';
import type { CommitRecord } from '../signals/gitHistory';
import type { FileLinks } from '../../nextEdit/fileLinks';
import type { NextFilePredictor } from './predictor';

/** Ondi's next-file ranker seen through the replay interface. */
export class OndiNextFilePredictor implements NextFilePredictor {
  readonly name = 'ondi';
  readonly ranker: NextFileRanker;

  constructor(options?: NextFileRankerOptions) {
    this.ranker = new NextFileRanker(options);
  }

  predict(query: string, limit: number, links?: FileLinks): string[] {
    return this.ranker.rank(query, limit, undefined, links).map((ranked) => ranked.file);
  }

  learn(commit: CommitRecord, query: string | undefined, links?: FileLinks): void {
    // Train the weighting on this commit's outcome before its files enter the history, so the
    // features it learns from are the ones it had when it was asked.
    if (query !== undefined)
      this.ranker.learnOutcome(query, new Set(commit.files.filter((file) => file !== query)), undefined, links);
    this.ranker.learnChange(commit.files, commit.deleted);
  }
}
