/**
 * Per-request batches for GraphQL field resolvers. GraphQL resolves a field once per parent (a course's category,
 * twenty courses: twenty reads); a batch collects the keys asked for while the current wave of resolvers runs and
 * answers them with one read. Batches live on the request's context object, so nothing crosses requests (callers,
 * permissions and data may differ) and nothing outlives one.
 */

type Load<Key, Value> = (keys: Key[]) => Promise<Map<Key, Value>>;

interface Batch<Key, Value> {
  load: Load<Key, Value>;
  /** Keys of the wave being collected, each with the answers waiting for it. */
  waiting: Map<Key, Array<{ resolve: (value: Value | null) => void; reject: (error: unknown) => void }>>;
  isScheduled: boolean;
}

const batchesOf = new WeakMap<object, Map<string, Batch<unknown, unknown>>>();
const remembered = new WeakMap<object, Map<string, Promise<unknown>>>();

function dispatch<Key, Value>(batch: Batch<Key, Value>) {
  const waiting = batch.waiting;
  batch.waiting = new Map();
  batch.isScheduled = false;
  batch.load([...waiting.keys()]).then(
    (values) => {
      for (const [key, callers] of waiting) for (const caller of callers) caller.resolve(values.get(key) ?? null);
    },
    (error: unknown) => {
      for (const callers of waiting.values()) for (const caller of callers) caller.reject(error);
    }
  );
}

/**
 * The value of `key` from the batch named `name` on this request: keys asked for before the batch runs share one
 * `load`. setImmediate rather than a microtask, so that sibling resolvers still awaiting their permission check join
 * the same wave. A key `load` does not answer resolves to null.
 */
export function loadInBatch<Key, Value>(
  context: object,
  name: string,
  load: Load<Key, Value>,
  key: Key
): Promise<Value | null> {
  let batches = batchesOf.get(context);
  if (!batches) batchesOf.set(context, (batches = new Map()));
  let batch = batches.get(name) as Batch<Key, Value> | undefined;
  if (!batch) {
    batch = { load, waiting: new Map(), isScheduled: false };
    batches.set(name, batch as Batch<unknown, unknown>);
  }
  const current = batch;
  return new Promise<Value | null>((resolve, reject) => {
    const callers = current.waiting.get(key) ?? [];
    callers.push({ resolve, reject });
    current.waiting.set(key, callers);
    if (!current.isScheduled) {
      current.isScheduled = true;
      setImmediate(() => dispatch(current));
    }
  });
}

/** `work` once per request and name (a query plan every parent shares), its promise kept for the others. */
export function oncePerRequest<Value>(context: object, name: string, work: () => Promise<Value>): Promise<Value> {
  let values = remembered.get(context);
  if (!values) remembered.set(context, (values = new Map()));
  let value = values.get(name) as Promise<Value> | undefined;
  if (!value) {
    value = work();
    values.set(name, value);
  }
  return value;
}
