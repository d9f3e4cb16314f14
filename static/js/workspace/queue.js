// Saves that have not reached the server yet, kept in localStorage so that nothing is lost
// when the network is down or the page reloads. Operations run in order; a network failure
// stops the run and schedules a retry (with backoff, and at once when the browser is online).
//
// Each open page keeps its own list (`<key>:<page id>`), so two tabs on one source never write
// over each other's pending saves. While a page lives it holds a Web Lock named after its list;
// a list whose lock nobody holds was left by a page that closed or reloaded with saves pending,
// and the next page to open the source adopts it (under a second lock, so only one page does).
// Without Web Locks (a page not served from localhost or over HTTPS) all pages share `<key>`.

export class PendingQueue {
  static async open(key) {
    if (!navigator.locks) return new PendingQueue(key);
    const queue = new PendingQueue(`${key}:${crypto.randomUUID()}`, []);
    await new Promise((held) => {
      navigator.locks.request(queue.key, () => { held(); return new Promise(() => {}); });
    });
    await navigator.locks.request(`${key}:adopt`, async () => {
      const live = new Set((await navigator.locks.query()).held.map((lock) => lock.name));
      const left = Object.keys(localStorage).filter(
        (k) => k === key || (k.startsWith(`${key}:`) && !live.has(k)),
      );
      const ops = left.flatMap((k) => new PendingQueue(k).ops);
      for (const op of ops.sort((a, b) => (a.at || 0) - (b.at || 0) || a.seq - b.seq)) queue.add(op);
      for (const k of left) localStorage.removeItem(k);
    });
    return queue;
  }

  constructor(key, ops) {
    this.key = key;
    this.ops = ops || this._load();
    this.seq = this.ops.reduce((m, op) => Math.max(m, op.seq || 0), 0);
  }

  _load() {
    try { return JSON.parse(localStorage.getItem(this.key) || "[]"); } catch { return []; }
  }

  save() {
    if (this.ops.length) localStorage.setItem(this.key, JSON.stringify(this.ops));
    else localStorage.removeItem(this.key);
  }

  add(op) {
    op.seq = ++this.seq;
    op.at ||= Date.now();
    this.ops.push(op);
    this.save();
    return op;
  }

  remove(op) {
    this.ops = this.ops.filter((o) => o !== op && o.seq !== op.seq);
    this.save();
  }

  // The pending create of a coding not yet on the server (tmp key), if any.
  createOf(tmp) { return this.ops.find((o) => o.kind === "create" && o.tmp === tmp); }
  lastFor(id) { return [...this.ops].reverse().find((o) => o.id === id); }
  get waiting() { return this.ops.filter((o) => !o.failed); }
  get failed() { return this.ops.filter((o) => o.failed); }
}

export class Retrier {
  constructor(run) {
    this.run = run;
    this.delay = 0;
    this.timer = null;
    window.addEventListener("online", () => this.now());
  }

  now() { clearTimeout(this.timer); this.timer = null; this.delay = 0; this.run(); }

  later() {
    clearTimeout(this.timer);
    this.delay = Math.min(this.delay ? this.delay * 2 : 2000, 15000);
    this.timer = setTimeout(() => { this.timer = null; this.run(); }, this.delay);
  }
}
