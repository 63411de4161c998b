import type { Database } from 'better-sqlite3';
import * as m0001 from './0001-initial';
import * as m0002 from './0002-training';
import * as m0003 from './0003-predictions';

export interface Migration {
  version: number;
  name: string;
  up(db: Database): void;
}

/** Every migration in order; `version` is what `PRAGMA user_version` holds after it ran. */
export const MIGRATIONS: Migration[] = [
  { version: 1, name: '0001-initial', up: m0001.up },
  { version: 2, name: '0002-training', up: m0002.up },
  { version: 3, name: '0003-predictions', up: m0003.up },
];
