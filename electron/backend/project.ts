import { accessSync, constants, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { basename, isAbsolute, join, resolve } from 'node:path';
import { AppError } from '../../shared/contract/errors';
import { classesFromFile, type ClassFile } from '../../shared/domain/classes';
import type { ProjectSummary } from '../../shared/domain/images';
import { openDatabase, type Db } from '../db/connection';
import { schemaVersion } from '../db/migrator';
import { classRepository } from '../db/repositories/classRepository';
import { imageRepository } from '../db/repositories/imageRepository';
import { labelMaskRepository } from '../db/repositories/labelMaskRepository';
import { predictionRepository } from '../db/repositories/predictionRepository';
import { projectMetaRepository } from '../db/repositories/projectMetaRepository';
import { runRepository } from '../db/repositories/runRepository';

export const DATABASE_FILE = 'project.sqlite';
/** Sub-folders of a project; `images/` holds files copied into the project. */
export const PROJECT_FOLDERS = ['checkpoints', 'exports', 'images'] as const;

/** An open project folder: its database and repositories. */
export class Project {
  readonly classes;
  readonly images;
  readonly masks;
  readonly meta;
  readonly runs;
  readonly predictions;

  private constructor(
    readonly dir: string,
    readonly db: Db,
  ) {
    this.classes = classRepository(db);
    this.images = imageRepository(db);
    this.masks = labelMaskRepository(db);
    this.meta = projectMetaRepository(db);
    this.runs = runRepository(db);
    this.predictions = predictionRepository(db);
  }

  /** Creates a project in `dir` (made if missing; it must not hold a project already). */
  static create(dir: string, classFile: ClassFile | null): Project {
    const root = resolve(dir);
    if (existsSync(join(root, DATABASE_FILE))) {
      throw new AppError('CONFLICT', `${root} already holds a project; open it instead`);
    }
    if (existsSync(root) && !statSync(root).isDirectory()) throw new AppError('BAD_REQUEST', `${root} is a file, not a folder`);
    mkdirSync(root, { recursive: true });
    for (const f of PROJECT_FOLDERS) mkdirSync(join(root, f), { recursive: true });
    const project = new Project(root, openDatabase(join(root, DATABASE_FILE), { create: true }));
    project.db.transaction(() => {
      project.meta.set('name', basename(root));
      project.meta.set('createdAt', new Date().toISOString());
      if (classFile) {
        const { classes, values, ignoreIndex } = classesFromFile(classFile);
        classes.forEach((c, i) => project.classes.insert(c.name, c.color, values[i]));
        if (ignoreIndex !== null) project.meta.set('ignoreIndex', String(ignoreIndex));
      }
    })();
    return project;
  }

  static open(dir: string): Project {
    const root = resolve(dir);
    const file = join(root, DATABASE_FILE);
    if (!existsSync(file)) {
      const hint = existsSync(root) && readdirSync(root).length === 0 ? ' (the folder is empty: create a project there)' : '';
      throw new AppError('NOT_FOUND', `no project at ${root}: ${DATABASE_FILE} is missing${hint}`);
    }
    refuseReadOnly(root, file);
    const project = new Project(root, openDatabase(file, { create: false }));
    for (const f of PROJECT_FOLDERS) mkdirSync(join(root, f), { recursive: true });
    return project;
  }

  summary(): ProjectSummary {
    return {
      path: this.dir,
      name: this.meta.get('name') ?? basename(this.dir),
      createdAt: this.meta.get('createdAt') ?? '',
      schemaVersion: schemaVersion(this.db),
      ignoreIndex: this.ignoreIndex(),
    };
  }

  /** The mask value that means "ignore" in masks users import (mapped to 255), if the class file named one. */
  ignoreIndex(): number | null {
    const v = this.meta.get('ignoreIndex');
    return v === null ? null : Number(v);
  }

  /** Image paths are stored relative to the project when the file was copied into it. */
  resolveImagePath(stored: string): string {
    return isAbsolute(stored) ? stored : join(this.dir, stored);
  }

  close(): void {
    this.db.close();
  }
}

/**
 * SQLite's own error for a read-only folder is "unable to open database file" (it cannot create the
 * WAL beside the database): say what is wrong instead. Root is refused too (immutable flag, read-only mount).
 */
function refuseReadOnly(root: string, file: string): void {
  const writable = (path: string) => {
    try {
      accessSync(path, constants.W_OK);
      return true;
    } catch {
      return false;
    }
  };
  const how = 'FCN Studio writes its database, checkpoints and exports there: make it writable, or copy the project to a writable folder';
  if (!writable(root)) throw new AppError('IO_ERROR', `the project folder ${root} is read-only; ${how}`);
  if (!writable(file)) throw new AppError('IO_ERROR', `${file} is read-only; ${how}`);
}
