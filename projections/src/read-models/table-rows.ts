import { type QueryCreator, type RawBuilder, sql } from 'kysely';

/** Read-model tables as the generic statements below see them (names and columns known at run time). */
type AnyTables = Record<string, Record<string, unknown>>;

/**
 * The rows of one read-model table that a batch of events reads and writes, by primary key. The
 * batch loads the rows it will touch in one query, its handlers change them here in memory, event
 * after event, and `save` writes the outcome back in at most two statements: one delete of the rows
 * that went away and one multi-row upsert of those that changed. A row is `null` while it does not
 * exist. Rows travel as JSON through `json_populate_recordset`, so the table's own column types apply.
 */
export class TableRows<Row extends object, Key extends keyof Row & string> {
  readonly table: string;
  readonly #keyColumns: readonly Key[];
  /**
   * By key, one Map level per key column (no key string is built per lookup: batches look rows up
   * several times per event): the row as in the database (when loaded or last saved) and as it is now.
   */
  readonly #rows: Level<Row> = new Map();

  constructor(table: string, keyColumns: readonly Key[]) {
    this.table = table;
    this.#keyColumns = keyColumns;
  }

  /** Loads the rows of these keys that are not known yet, in one query (none when all are known). */
  async load<DB>(db: QueryCreator<DB>, keys: Iterable<Pick<Row, Key>>): Promise<void> {
    const missing = new Map<string, Pick<Row, Key>>();
    for (const key of keys) if (!this.#find(key)) missing.set(this.#idOf(key), key);
    if (missing.size === 0) return;
    const found = await tablesOf(db)
      .selectFrom(this.table)
      .selectAll()
      .where(this.#keyIn([...missing.values()]))
      .execute();
    this.remember(found as Row[]);
    this.absent(missing.values());
  }

  /** Rows read by another query (by a secondary column, say): known from now on, unless already known. */
  remember(rows: Iterable<Row>): void {
    for (const row of rows) this.#learn(row, row);
  }

  /** Keys another query showed not to exist: known from now on, unless already known. */
  absent(keys: Iterable<Pick<Row, Key>>): void {
    for (const key of keys) this.#learn(key, null);
  }

  /** The row of a loaded key, or null when it does not exist. */
  get(key: Pick<Row, Key>): Row | null {
    const entry = this.#find(key);
    if (entry === undefined)
      throw new Error(`${this.table} row ${this.#idOf(key)} was not loaded before the batch used it`);
    return entry.current;
  }

  /** Sets a row, loaded or not (one not loaded is upserted whatever the database holds). */
  set(row: Row): void {
    const entry = this.#find(row);
    if (entry) entry.current = row;
    else this.#insert(row, { stored: null, current: row });
  }

  delete(key: Pick<Row, Key>): void {
    const entry = this.#find(key);
    if (entry) entry.current = null;
  }

  /** Every known row that exists now. */
  *rows(): IterableIterator<Row> {
    for (const { current } of this.#entries()) if (current !== null) yield current;
  }

  /** Writes what changed since the rows were loaded (or last saved). */
  async save<DB>(db: QueryCreator<DB>): Promise<void> {
    const upserts: Row[] = [];
    const deletes: Pick<Row, Key>[] = [];
    for (const entry of this.#entries()) {
      const { stored, current } = entry;
      if (current === stored) continue;
      if (current !== null) upserts.push(current);
      else if (stored !== null) deletes.push(this.#keyOf(stored));
      entry.stored = current;
    }
    const tables = tablesOf(db);
    if (deletes.length > 0) await tables.deleteFrom(this.table).where(this.#keyIn(deletes)).execute();
    if (upserts.length === 0) return;
    const columns = Object.keys(upserts[0]!).filter((column) => !this.#keyColumns.includes(column as Key));
    await tables
      .insertInto(this.table)
      .expression((eb) => eb.selectFrom(this.#records(upserts).as('v')).selectAll())
      .onConflict((conflict) =>
        conflict
          .columns([...this.#keyColumns])
          .doUpdateSet(Object.fromEntries(columns.map((column) => [column, sql.ref(`excluded.${column}`)]))),
      )
      .execute();
  }

  #learn(key: Pick<Row, Key>, row: Row | null): void {
    if (!this.#find(key)) this.#insert(key, { stored: row, current: row });
  }

  #find(key: Pick<Row, Key>): Entry<Row> | undefined {
    let level = this.#rows;
    const last = this.#keyColumns.length - 1;
    for (let column = 0; column < last; column++) {
      const next = level.get(String(key[this.#keyColumns[column]!]));
      if (next === undefined) return undefined;
      level = next as Level<Row>;
    }
    return level.get(String(key[this.#keyColumns[last]!])) as Entry<Row> | undefined;
  }

  #insert(key: Pick<Row, Key>, entry: Entry<Row>): void {
    let level = this.#rows;
    const last = this.#keyColumns.length - 1;
    for (let column = 0; column < last; column++) {
      const value = String(key[this.#keyColumns[column]!]);
      let next = level.get(value) as Level<Row> | undefined;
      if (next === undefined) {
        next = new Map();
        level.set(value, next);
      }
      level = next;
    }
    level.set(String(key[this.#keyColumns[last]!]), entry);
  }

  *#entries(level = this.#rows, depth = 1): IterableIterator<Entry<Row>> {
    for (const value of level.values()) {
      if (depth === this.#keyColumns.length) yield value as Entry<Row>;
      else yield* this.#entries(value as Level<Row>, depth + 1);
    }
  }

  /** A key as text: for finding duplicates among the keys of one load, and for messages. */
  #idOf(key: Pick<Row, Key>): string {
    let id = '';
    for (const column of this.#keyColumns) id += `${key[column]}\u0000`;
    return id;
  }

  #keyOf(row: Pick<Row, Key>): Pick<Row, Key> {
    const key = {} as Pick<Row, Key>;
    for (const column of this.#keyColumns) key[column] = row[column];
    return key;
  }

  /** Rows (or keys: other columns null) as a set of the table's own row type. */
  #records(rows: readonly object[]): RawBuilder<unknown> {
    return sql`json_populate_recordset(null::${sql.table(this.table)}, ${JSON.stringify(rows)})`;
  }

  #keyIn(keys: readonly Pick<Row, Key>[]): RawBuilder<boolean> {
    const columns = sql.join(this.#keyColumns.map((column) => sql.ref(column)));
    return sql<boolean>`(${columns}) in (select ${columns} from ${this.#records(keys)})`;
  }
}

/** The row as in the database (when loaded or last saved) and as it is now; null: no such row. */
interface Entry<Row> {
  stored: Row | null;
  current: Row | null;
}

/** One level of the entries' index: by the value of one key column, the next level or the entries. */
type Level<Row> = Map<string, Level<Row> | Entry<Row>>;

function tablesOf<DB>(db: QueryCreator<DB>): QueryCreator<AnyTables> {
  return db as unknown as QueryCreator<AnyTables>;
}
