// Saves that have not reached the server yet, kept in localStorage so that nothing is lost
// when the network is down or the page reloads. Operations run in order; a network failure
// stops the run and schedules a retry (with backoff, and at once when the browser is online).

export class PendingQueue {
  constructor(key) {
    this.key = key;
    this.ops = this._load();
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
