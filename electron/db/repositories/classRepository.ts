import type { LabelClass } from '../../../shared/domain/classes';
import type { Db } from '../connection';

interface ClassRecord {
  id: number;
  value: number;
  name: string;
  color: string;
  position: number;
}

export function classRepository(db: Db) {
  const list = db.prepare<[], ClassRecord>('SELECT id, value, name, color, position FROM classes ORDER BY position, id');
  const byId = db.prepare<[number], ClassRecord>('SELECT id, value, name, color, position FROM classes WHERE id = ?');
  const byName = db.prepare<[string], ClassRecord>('SELECT id, value, name, color, position FROM classes WHERE name = ?');
  const insert = db.prepare('INSERT INTO classes (value, name, color, position) VALUES (?, ?, ?, ?)');
  const usedValues = db.prepare<[], { value: number }>('SELECT value FROM classes ORDER BY value');
  const maxPosition = db.prepare<[], { p: number | null }>('SELECT MAX(position) AS p FROM classes');
  const rename = db.prepare('UPDATE classes SET name = ? WHERE id = ?');
  const recolor = db.prepare('UPDATE classes SET color = ? WHERE id = ?');
  const setPosition = db.prepare('UPDATE classes SET position = ? WHERE id = ?');
  const remove = db.prepare('DELETE FROM classes WHERE id = ?');

  return {
    list(): LabelClass[] {
      return list.all();
    },
    byId(id: number): LabelClass | undefined {
      return byId.get(id);
    },
    byName(name: string): LabelClass | undefined {
      return byName.get(name);
    },
    /** Inserts at the end of the display order; `value` defaults to the lowest free mask value. */
    insert(name: string, color: string, value?: number): LabelClass {
      const v = value ?? lowestFreeValue(usedValues.all().map((r) => r.value));
      const position = (maxPosition.get()?.p ?? -1) + 1;
      const id = Number(insert.run(v, name, color, position).lastInsertRowid);
      return { id, value: v, name, color, position };
    },
    rename(id: number, name: string): void {
      rename.run(name, id);
    },
    recolor(id: number, color: string): void {
      recolor.run(color, id);
    },
    setPositions(idsInOrder: number[]): void {
      idsInOrder.forEach((id, position) => setPosition.run(position, id));
    },
    remove(id: number): void {
      remove.run(id);
    },
  };
}
export type ClassRepository = ReturnType<typeof classRepository>;

function lowestFreeValue(used: number[]): number {
  const taken = new Set(used);
  for (let v = 0; v <= 254; v++) if (!taken.has(v)) return v;
  throw new Error('a project holds at most 255 classes');
}
