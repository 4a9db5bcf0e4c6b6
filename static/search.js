// folio search: the browser client of the index that internal/search
// builds. It runs the same algorithm as search.Search in Go; see that
// package's documentation for the index format and the query rules.
//
// window.folioSearch.query(q, {index, tag, facetKey, facetValue, year,
// newest, limit}) returns a Promise of {hits, total, fetched}. Each hit is
// {url, href, title, date, snippet, marks, score}; marks are [start, end)
// offsets into snippet. index is the URL of search/index.json, by default
// the data-index attribute of the element #search.
//
// On a page with a #search element holding a form, it runs the query in
// the URL (?q=…&tag=…&facet=key:value&year=…&sort=newest), keeps the URL in
// step as the user types, and lists the results as links.
(() => {
  "use strict";

  // Constants shared with internal/search.
  const VERSION = 3, TITLE_SPAN = 1024, PREFIX_LEN = 3, MAX_EXPANSIONS = 10,
    IDF_SCALE = 32, MAX_QUERY_RUNES = 100, MAX_TERMS = 16, DEFAULT_LIMIT = 10,
    SNIPPET_RUNES = 100, SNIPPET_BEFORE = 20;
  const SEP = 0, HAN = 1, WORD = 2, IGNORED = 3;

  // ---- Text ----

  const wordRe = /[\p{L}\p{N}\p{M}]/u;

  function fold(c) {
    if (c < 0x80) return c >= 65 && c <= 90 ? c + 32 : c;
    if (c >= 0xff01 && c <= 0xff5e) {
      c -= 0xfee0;
      return c >= 65 && c <= 90 ? c + 32 : c;
    }
    if (c === 0x3000) return 32;
    if (c === 0x130) return c;
    if (c < 0x530 || (c >= 0x1e00 && c < 0x1f00)) {
      const l = String.fromCharCode(c).toLowerCase();
      return l.length === 1 ? l.charCodeAt(0) : c;
    }
    return c;
  }

  function cls(c) {
    if (c < 0x80) {
      return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || (c >= 65 && c <= 90) ? WORD : SEP;
    }
    if (c === 0xad || (c >= 0x200b && c <= 0x200f) || (c >= 0x202a && c <= 0x202e) ||
      (c >= 0x2060 && c <= 0x2064) || (c >= 0x2066 && c <= 0x2069) ||
      (c >= 0xfe00 && c <= 0xfe0f) || c === 0xfeff) return IGNORED;
    if ((c >= 0x3005 && c <= 0x3007) || (c >= 0x3041 && c <= 0x3096) || (c >= 0x309d && c <= 0x309f) ||
      (c >= 0x30a1 && c <= 0x30fa) || (c >= 0x30fc && c <= 0x30ff) ||
      (c >= 0x3400 && c <= 0x4dbf) || (c >= 0x4e00 && c <= 0x9fff) || (c >= 0xf900 && c <= 0xfaff) ||
      (c >= 0xac00 && c <= 0xd7a3) || (c >= 0x20000 && c <= 0x3ffff)) return HAN;
    return wordRe.test(String.fromCodePoint(c)) ? WORD : SEP;
  }

  // Code points of s.
  function cps(s) {
    const out = [];
    for (const ch of s) out.push(ch.codePointAt(0));
    return out;
  }
  const str = (a) => String.fromCodePoint(...a);

  function normalize(s) {
    const out = [];
    for (const c of cps(s)) {
      const f = fold(c);
      if (cls(f) !== IGNORED) out.push(f);
    }
    return str(out);
  }

  // scan splits text into units {pos, han, word, off}, off in code points.
  function scan(s, pos) {
    const units = [];
    let prev = SEP, wstart = -1, wbuf = [];
    const endWord = () => {
      if (wstart >= 0) {
        units.push({ pos, han: 0, word: str(wbuf), off: wstart });
        pos++;
        wstart = -1;
        wbuf = [];
      }
    };
    const a = cps(s);
    for (let i = 0; i < a.length; i++) {
      const r = fold(a[i]), c = cls(r);
      if (c === IGNORED) continue;
      if (c === HAN) {
        endWord();
        units.push({ pos, han: r, word: "", off: i });
        pos++;
      } else if (c === WORD) {
        if (wstart < 0) wstart = i;
        wbuf.push(r);
      } else {
        endWord();
        if (prev !== SEP) pos++;
      }
      prev = c;
    }
    endWord();
    return units;
  }

  const adjacentHan = (us, i) => i + 1 < us.length && us[i].han !== 0 && us[i + 1].han !== 0 && us[i + 1].pos === us[i].pos + 1;

  // cover returns the tokens {text, pos} proving a term's units.
  function cover(us) {
    const ts = [];
    const base = us.length ? us[0].pos : 0;
    for (let i = 0; i < us.length;) {
      const u = us[i];
      if (u.han === 0) {
        ts.push({ text: u.word, pos: u.pos - base });
        i++;
        continue;
      }
      let j = i + 1;
      while (j < us.length && adjacentHan(us, j - 1)) j++;
      const run = us.slice(i, j);
      if (run.length === 1) {
        ts.push({ text: str([u.han]), pos: u.pos - base });
      } else {
        let k = 0;
        for (; k + 1 < run.length; k += 2) ts.push({ text: str([run[k].han, run[k + 1].han]), pos: run[k].pos - base });
        if (k === run.length - 1) ts.push({ text: str([run[k - 1].han, run[k].han]), pos: run[k - 1].pos - base });
      }
      i = j;
    }
    return ts;
  }

  const encoder = new TextEncoder(), decoder = new TextDecoder();

  function shardKey(t) {
    const a = cps(t);
    if (!a.length || cls(a[0]) !== WORD) return t;
    return str(a.slice(0, PREFIX_LEN));
  }

  function fnv32(s) {
    let h = 2166136261;
    for (const b of encoder.encode(s)) h = Math.imul(h ^ b, 16777619) >>> 0;
    return h;
  }

  function isSpace(c) {
    return c === 32 || (c >= 9 && c <= 13) || c === 0xa0 || c === 0x1680 || c === 0x2028 || c === 0x2029 ||
      c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff || (c >= 0x2000 && c <= 0x200a);
  }

  // parseQuery returns the terms {toks, char, prefix} and the pieces to
  // highlight, longest first.
  function parseQuery(q) {
    let rs = cps(normalize(q));
    if (rs.length > MAX_QUERY_RUNES) rs = rs.slice(0, MAX_QUERY_RUNES);
    const terms = [], pieces = new Set();
    let cur = [], quoted = false;
    const flush = (atEnd) => {
      const s = str(cur);
      cur = [];
      const us = scan(s, 0);
      if (!us.length || terms.length === MAX_TERMS) return;
      terms.push({
        toks: cover(us),
        char: us.length === 1 && us[0].han !== 0,
        prefix: atEnd && !quoted && us.length === 1 && us[0].han === 0 && cps(us[0].word).length >= PREFIX_LEN,
      });
      let p = [];
      for (const c of cps(s)) {
        if (cls(c) === SEP) {
          if (p.length) pieces.add(str(p));
          p = [];
        } else p.push(c);
      }
      if (p.length) pieces.add(str(p));
    };
    for (const r of rs) {
      if (r === 0x22 || r === 0x201c || r === 0x201d) {
        flush(false);
        quoted = !quoted;
      } else if (isSpace(r) && !quoted) flush(false);
      else cur.push(r);
    }
    flush(true);
    const ps = [...pieces].sort(byteCompare);
    const len = (s) => cps(s).length;
    ps.sort((a, b) => len(b) - len(a)); // stable
    return { terms, pieces: ps };
  }

  // byteCompare orders strings as Go does, by UTF-8 bytes (code points).
  function byteCompare(a, b) {
    const x = cps(a), y = cps(b);
    for (let i = 0; i < x.length && i < y.length; i++) if (x[i] !== y[i]) return x[i] - y[i];
    return x.length - y.length;
  }

  // ---- Index files ----

  class Varints {
    constructor(b, i = 0, end = b.length) { this.b = b; this.i = i; this.end = end; this.err = false; }
    more() { return this.i < this.end; }
    next() {
      let x = 0, m = 1;
      while (this.i < this.end) {
        const c = this.b[this.i++];
        x += (c & 127) * m;
        if (c < 128) return x;
        m *= 128;
      }
      this.err = true;
      return 0;
    }
    list() {
      const x = this.next();
      if (x % 2 === 0) {
        const l = { inline: [this.i, this.i + x / 2], firsts: null };
        this.i += x / 2;
        if (this.i > this.end) this.err = true;
        return l;
      }
      const l = { file: this.next(), firsts: [] };
      let prev = 0;
      for (let k = 0; k < (x - 1) / 2 && !this.err; k++) {
        prev += this.next();
        l.firsts.push(prev);
      }
      return l;
    }
  }

  const corrupt = (what) => new Error("search: corrupt index: " + what);
  const b36 = (n) => n.toString(36);
  const shardName = (n) => "p/" + b36(n) + ".bin";
  const partName = (n) => "x/" + b36(n) + ".bin";
  const chunkName = (n) => "d/" + b36(n) + ".json";
  const textName = (key, k) => "t/" + key + "." + k + ".txt";

  // binarySearch returns the index of x in the sorted array a, or -1.
  function indexOf(a, x, key = (v) => v) {
    let lo = 0, hi = a.length;
    while (lo < hi) {
      const m = (lo + hi) >>> 1;
      if (key(a[m]) < x) lo = m + 1;
      else hi = m;
    }
    return lo < a.length && key(a[lo]) === x ? lo : -1;
  }
  // lowerBound returns the first index of a sorted array not below x.
  function lowerBound(a, x) {
    let lo = 0, hi = a.length;
    while (lo < hi) {
      const m = (lo + hi) >>> 1;
      if (a[m] < x) lo = m + 1;
      else hi = m;
    }
    return lo;
  }

  // An Index reads the files of one index, each once.
  class Index {
    constructor(url) {
      this.url = new URL(url, document.baseURI);
      this.files = new Map(); // name -> Promise of Uint8Array
      this.shards = new Map(); // number -> Promise of Map token -> entry
      this.sizes = new Map(); // name -> bytes, once fetched
    }

    get(name) {
      let p = this.files.get(name);
      if (!p) {
        p = fetch(new URL(name, this.url)).then((r) => {
          if (!r.ok) throw new Error("search: " + name + ": " + r.status + " " + r.statusText);
          return r.arrayBuffer();
        }).then((b) => {
          this.sizes.set(name, b.byteLength);
          return new Uint8Array(b);
        });
        this.files.set(name, p);
        p.catch(() => this.files.delete(name));
      }
      return p;
    }

    async json(name) { return JSON.parse(decoder.decode(await this.get(name))); }

    async header() {
      if (!this.hdr) {
        this.hdr = this.json("index.json").then((h) => {
          if (h.version !== VERSION || !(h.shards >= 1) || !(h.chunk >= 1)) throw corrupt("index.json: version " + h.version);
          return h;
        });
      }
      return this.hdr;
    }

    shard(n) {
      let p = this.shards.get(n);
      if (!p) {
        p = this.get(shardName(n)).then((b) => {
          const v = new Varints(b);
          const count = v.next(), s = new Map();
          for (let i = 0; i < count && !v.err; i++) {
            const len = v.next();
            const tok = decoder.decode(b.subarray(v.i, v.i + len));
            v.i += len;
            const e = { tok, ord: i, df: v.next(), idf: v.next(), buf: b };
            e.docs = v.list();
            e.pos = v.list();
            s.set(tok, e);
          }
          if (v.err) throw corrupt(shardName(n));
          return s;
        });
        this.shards.set(n, p);
      }
      return p;
    }

    async lookup(tok) {
      const h = await this.header();
      return (await this.shard(fnv32(shardKey(tok)) % h.shards)).get(tok);
    }

    // parts returns [varints, first] for every part of list l (of entry e)
    // that overlaps [lo, hi) and holds a document of want, if want is set.
    async parts(e, l, want, lo, hi) {
      if (l.firsts === null) return [[new Varints(e.buf, l.inline[0], l.inline[1]), 0]];
      const sel = [];
      for (let k = 0; k < l.firsts.length; k++) {
        const first = l.firsts[k];
        const end = k + 1 < l.firsts.length ? l.firsts[k + 1] : 2147483647;
        if (first >= hi || end <= lo) continue;
        if (want) {
          const i = lowerBound(want, first);
          if (i === want.length || want[i] >= end) continue;
        }
        sel.push([l.file + k, first]);
      }
      const bufs = await Promise.all(sel.map(([f]) => this.get(partName(f))));
      return bufs.map((b, i) => [new Varints(b), sel[i][1]]);
    }

    // docList returns the entries {id, q, first} of e's documents in
    // [lo, hi) and in want, if set.
    async docList(e, want, lo, hi) {
      const out = [];
      for (const [v, first] of await this.parts(e, e.docs, want, lo, hi)) {
        let id = first;
        while (v.more()) {
          id += v.next();
          const q = v.next(), p = v.next();
          if (v.err) throw corrupt("list of " + e.tok);
          if (id >= hi) break;
          if (id >= lo && (!want || indexOf(want, id) >= 0)) out.push({ id, q, first: p });
        }
      }
      return out;
    }

    // positions returns a Map from every document of want to the positions
    // of e's token after its first.
    async positions(e, want, firstOf) {
      const out = new Map();
      for (const [v, first] of await this.parts(e, e.pos, want, 0, 2147483647)) {
        let id = first;
        while (v.more()) {
          id += v.next();
          const n = v.next();
          if (indexOf(want, id) < 0) {
            for (let k = 0; k < n; k++) v.next();
          } else {
            const ps = [];
            let p = firstOf(id);
            for (let k = 0; k < n; k++) ps.push((p += v.next()));
            out.set(id, ps);
          }
          if (v.err) throw corrupt("positions of " + e.tok);
        }
      }
      return out;
    }

    async expand(w) {
      const h = await this.header();
      const s = await this.shard(fnv32(shardKey(w)) % h.shards);
      const es = [...s.values()].filter((e) => e.tok.startsWith(w));
      es.sort((a, b) => ((b.tok === w) - (a.tok === w)) || (b.df - a.df) || (a.ord - b.ord));
      return es.slice(0, MAX_EXPANSIONS);
    }

    // matches returns the documents {id, title, score, anchor} matching q,
    // in result order, and the pieces to highlight.
    async matches(q, opt) {
      const h = await this.header();
      const { terms, pieces } = parseQuery(q);
      const none = { docs: [], pieces };
      if (!terms.length) return none;
      let lo = 0, hi = h.docs;
      if (opt.year) {
        const y = h.years.find((y) => y[0] === Number(opt.year));
        if (!y) return none;
        [, lo, hi] = y;
      }

      // Every shard at once.
      const toks = new Set();
      for (const t of terms) for (const tk of t.toks) toks.add(tk.text);
      if (opt.tag) toks.add("\x01" + opt.tag);
      if (opt.facetKey) toks.add("\x02" + opt.facetKey + "\x1f" + (opt.facetValue || ""));
      const entries = new Map();
      await Promise.all([...toks].map(async (t) => entries.set(t, await this.lookup(t))));

      const required = [], expansions = [];
      const need = (tok) => {
        const e = entries.get(tok);
        if (e && !required.includes(e)) required.push(e);
        return !!e;
      };
      for (const t of terms) {
        if (t.prefix) {
          const exp = await this.expand(t.toks[0].text);
          if (!exp.length) return none;
          expansions.push(exp);
        } else {
          for (const tk of t.toks) if (!need(tk.text)) return none;
          expansions.push(null);
        }
      }
      if (opt.tag && !need("\x01" + opt.tag)) return none;
      if (opt.facetKey && !need("\x02" + opt.facetKey + "\x1f" + (opt.facetValue || ""))) return none;

      required.sort((a, b) => (a.df - b.df) || byteCompare(a.tok, b.tok));
      const lists = new Map();
      let cand = null;
      if (required.length) {
        const rarest = await this.docList(required[0], null, lo, hi);
        lists.set(required[0].tok, rarest);
        cand = rarest.map((d) => d.id);
        if (!cand.length) return none;
        const others = await Promise.all(required.slice(1).map((e) => this.docList(e, cand, lo, hi)));
        required.slice(1).forEach((e, i) => {
          lists.set(e.tok, others[i]);
          const ids = new Set(others[i].map((d) => d.id));
          cand = cand.filter((id) => ids.has(id));
        });
        if (!cand.length) return none;
      }
      for (const exp of expansions) {
        if (!exp) continue;
        const all = await Promise.all(exp.map((e) => this.docList(e, cand, lo, hi)));
        const union = new Set();
        exp.forEach((e, i) => {
          lists.set(e.tok, all[i]);
          for (const d of all[i]) union.add(d.id);
        });
        cand = [...union].sort((a, b) => a - b);
        if (!cand.length) return none;
      }
      const first = (tok, id) => {
        const ents = lists.get(tok);
        const i = indexOf(ents, id, (d) => d.id);
        return i < 0 ? null : ents[i];
      };

      const at = terms.map(() => new Array(cand.length));
      for (let ti = 0; ti < terms.length; ti++) {
        const t = terms[ti];
        const undecided = [];
        cand.forEach((id, ci) => {
          if (t.prefix) {
            let p = -1;
            for (const e of expansions[ti]) {
              const d = first(e.tok, id);
              if (d && (p < 0 || d.first < p)) p = d.first;
            }
            at[ti][ci] = p;
          } else if (t.char) {
            const d = first(t.toks[0].text, id);
            at[ti][ci] = d.first >= TITLE_SPAN ? -1 : d.first;
          } else {
            let p = first(t.toks[0].text, id).first;
            for (const tk of t.toks.slice(1)) {
              if (first(tk.text, id).first !== p + tk.pos) {
                p = -1;
                break;
              }
            }
            at[ti][ci] = p;
            if (p < 0) undecided.push(id);
          }
        });
        if (!undecided.length) continue;
        const all = new Map();
        const texts = [...new Set(t.toks.map((tk) => tk.text))];
        const got = await Promise.all(texts.map((tok) => this.positions(entries.get(tok), undecided, (id) => first(tok, id).first)));
        texts.forEach((tok, i) => all.set(tok, got[i]));
        cand.forEach((id, ci) => {
          if (at[ti][ci] >= 0 || indexOf(undecided, id) < 0) return;
          const occ = (tok) => [first(tok, id).first, ...(all.get(tok).get(id) || [])];
          const p0s = occ(t.toks[0].text);
          const rest = t.toks.map((tk, k) => (k ? occ(tk.text) : null));
          for (const p of p0s) {
            if (t.toks.every((tk, k) => k === 0 || indexOf(rest[k], p + tk.pos) >= 0)) {
              at[ti][ci] = p;
              break;
            }
          }
        });
      }

      const docs = [];
      cand.forEach((id, ci) => {
        const m = { id, title: 0, score: 0, anchor: -1 };
        for (let ti = 0; ti < terms.length; ti++) {
          const t = terms[ti], p = at[ti][ci];
          if (p < 0) return;
          if (p < TITLE_SPAN) m.title++;
          else if (m.anchor < 0 || p < m.anchor) m.anchor = p;
          if (t.prefix) {
            let best = 0;
            for (const e of expansions[ti]) {
              const d = first(e.tok, id);
              if (d) best = Math.max(best, e.idf * d.q);
            }
            m.score += best;
          } else {
            for (const tk of t.toks) m.score += entries.get(tk.text).idf * first(tk.text, id).q;
          }
        }
        docs.push(m);
      });
      docs.reverse(); // documents are numbered oldest first
      if (!opt.newest) docs.sort((a, b) => (b.title - a.title) || (b.score - a.score));
      return { docs, pieces };
    }

    async hit(m, pieces) {
      const h = await this.header();
      const name = chunkName(Math.floor(m.id / h.chunk));
      const chunk = await this.json(name);
      const d = chunk[m.id % h.chunk];
      if (!d || d.length < 3 || d.length === 4 || d.length > 5) throw corrupt(name + ": no document " + m.id);
      const root = new URL("../", this.url);
      let href = new URL(d[0].replace(/^\//, ""), root).href;
      if (root.protocol === "file:" && href.endsWith("/")) href += "index.html";
      const hit = { url: d[0], href, title: d[1], date: d[2], snippet: "", marks: [], score: m.score / IDF_SCALE };
      if (d.length < 4) return hit;
      if (!/^[0-9a-f]{32}$/.test(d[4])) throw corrupt(name + ": text key of document " + m.id);
      let seg = 0, pos = TITLE_SPAN;
      d[3].forEach((s, k) => {
        if (m.anchor >= s) [seg, pos] = [k + 1, s];
      });
      const text = decoder.decode(await this.get(textName(d[4], seg)));
      Object.assign(hit, snippet(text, pos, m.anchor, pieces, seg > 0, seg < d[3].length));
      return hit;
    }

    async query(q, opt = {}) {
      const before = this.total();
      const res = await this.matches(q, opt);
      const limit = opt.limit > 0 ? opt.limit : DEFAULT_LIMIT;
      const hits = await Promise.all(res.docs.slice(0, limit).map((m) => this.hit(m, res.pieces)));
      return { hits, total: res.docs.length, fetched: this.total() - before };
    }

    total() {
      let n = 0;
      for (const v of this.sizes.values()) n += v;
      return n;
    }
  }

  // snippet returns {snippet, marks} for a text segment starting at
  // position pos, around the unit at anchor (-1: from the start). before
  // and after say whether the text goes on beyond the segment.
  function snippet(text, pos, anchor, pieces, before, after) {
    const rs = cps(text);
    let at = 0;
    if (anchor >= 0) {
      for (const u of scan(text, pos)) {
        if (u.pos >= anchor) {
          at = u.off;
          break;
        }
      }
    }
    const a = Math.max(0, Math.min(at - SNIPPET_BEFORE, rs.length - SNIPPET_RUNES));
    const e = Math.min(rs.length, a + SNIPPET_RUNES);
    let w = rs.slice(a, e).map((c) => (c === 10 ? 32 : c));
    while (w.length && w[0] === 32) w.shift();
    while (w.length && w[w.length - 1] === 32) w.pop();
    const out = a > 0 || before ? [0x2026] : [];
    const lead = out.length;
    out.push(...w);
    const marks = highlight(w, pieces);
    if (e < rs.length || after) out.push(0x2026);
    // Code point ranges to string offsets.
    const off = [0];
    for (const c of out) off.push(off[off.length - 1] + (c > 0xffff ? 2 : 1));
    return { snippet: str(out), marks: marks.map(([s, t]) => [off[s + lead], off[t + lead]]) };
  }

  // highlight returns the code point ranges of w where pieces occur.
  function highlight(w, pieces) {
    const f = w.map(fold);
    const ps = pieces.map(cps);
    const marks = [];
    for (let i = 0; i < f.length;) {
      let n = 0;
      for (const p of ps) {
        if (!p.length || i + p.length > f.length) continue;
        let eq = true;
        for (let k = 0; k < p.length && eq; k++) eq = f[i + k] === p[k];
        if (!eq) continue;
        if (cls(p[0]) === WORD && i > 0 && cls(f[i - 1]) === WORD) continue;
        n = p.length;
        break;
      }
      if (!n) {
        i++;
        continue;
      }
      marks.push([i, i + n]);
      i += n;
    }
    return marks;
  }

  // ---- API ----

  const indexes = new Map();
  function open(url) {
    const key = new URL(url, document.baseURI).href;
    if (!indexes.has(key)) indexes.set(key, new Index(key));
    return indexes.get(key);
  }
  function defaultIndex() {
    const el = document.getElementById("search");
    if (!el || !el.dataset.index) throw new Error("search: no #search element with data-index");
    return el.dataset.index;
  }

  window.folioSearch = {
    query: (q, opt = {}) => {
      try {
        return open(opt.index || defaultIndex()).query(q, opt);
      } catch (e) {
        return Promise.reject(e);
      }
    },
    normalize,
    highlight: (text, q) => {
      const w = cps(text);
      const off = [0];
      for (const c of w) off.push(off[off.length - 1] + (c > 0xffff ? 2 : 1));
      return highlight(w, parseQuery(q).pieces).map(([s, t]) => [off[s], off[t]]);
    },
  };

  // ---- Page ----

  // marked appends text to el with the ranges in marks wrapped in <mark>.
  function marked(el, text, marks) {
    let at = 0;
    for (const [s, e] of marks) {
      if (s > at) el.append(text.slice(at, s));
      const m = document.createElement("mark");
      m.textContent = text.slice(s, e);
      el.append(m);
      at = e;
    }
    if (at < text.length) el.append(text.slice(at));
  }

  function page() {
    const root = document.getElementById("search");
    const form = root && root.querySelector("form");
    if (!form || !root.dataset.index) return;
    const index = open(root.dataset.index);
    const input = form.elements.q;
    const sel = (name) => form.elements[name] || null;
    const results = root.querySelector(".search-results");
    const count = root.querySelector(".search-count");
    const more = root.querySelector(".search-more");
    const params = new URLSearchParams(location.search);
    input.value = params.get("q") || "";
    let limit = DEFAULT_LIMIT, seq = 0, timer = 0;

    const option = (select, value, label) => {
      const o = document.createElement("option");
      o.value = value;
      o.textContent = label;
      select.append(o);
      return o;
    };
    const filters = index.json("filters.json").then((f) => {
      if (sel("tag")) for (const [v, n] of f.tags) option(sel("tag"), v, v + " (" + n + ")");
      if (sel("year")) for (const [y, n] of f.years) option(sel("year"), String(y), y + " (" + n + ")");
      if (sel("facet")) {
        for (const key of Object.keys(f.facets).sort()) {
          const g = document.createElement("optgroup");
          g.label = key;
          for (const [v, n] of f.facets[key]) option(g, key + ":" + v, v + " (" + n + ")");
          sel("facet").append(g);
        }
      }
    }).catch(() => {});
    const restore = () => {
      for (const name of ["tag", "year", "facet", "sort"]) {
        const s = sel(name), v = params.get(name);
        if (s && v !== null) {
          if (![...s.options].some((o) => o.value === v)) option(s, v, v);
          s.value = v;
        }
      }
    };

    async function run() {
      clearTimeout(timer);
      const q = input.value;
      const opt = { limit, newest: sel("sort") && sel("sort").value === "newest" };
      if (sel("tag") && sel("tag").value) opt.tag = sel("tag").value;
      if (sel("year") && sel("year").value) opt.year = Number(sel("year").value);
      if (sel("facet") && sel("facet").value) {
        const v = sel("facet").value, i = v.indexOf(":");
        opt.facetKey = v.slice(0, i);
        opt.facetValue = v.slice(i + 1);
      }
      const u = new URL(location.href);
      for (const name of ["q", "tag", "year", "facet", "sort"]) {
        const v = name === "q" ? q : sel(name) && sel(name).value;
        if (v) u.searchParams.set(name, v);
        else u.searchParams.delete(name);
      }
      if (u.href !== location.href) history.replaceState(history.state, "", u);
      const my = ++seq;
      if (!q.trim()) {
        results.replaceChildren();
        count.textContent = "";
        if (more) more.hidden = true;
        return;
      }
      root.setAttribute("aria-busy", "true");
      let res;
      try {
        res = await index.query(q, opt);
      } catch (e) {
        if (my === seq) {
          count.textContent = String(e.message || e);
          root.removeAttribute("aria-busy");
        }
        return;
      }
      if (my !== seq) return;
      const items = res.hits.map((h) => {
        const li = document.createElement("li");
        const a = document.createElement("a");
        a.className = "doc-title";
        a.href = h.href;
        marked(a, h.title, window.folioSearch.highlight(h.title, q));
        li.append(a);
        if (h.date) {
          const meta = document.createElement("span");
          meta.className = "doc-meta";
          const t = document.createElement("time");
          t.dateTime = h.date;
          t.textContent = h.date;
          meta.append(t);
          li.append(meta);
        }
        if (h.snippet) {
          const p = document.createElement("p");
          p.className = "doc-summary";
          marked(p, h.snippet, h.marks);
          li.append(p);
        }
        return li;
      });
      results.replaceChildren(...items);
      count.textContent = (count.dataset.label || "%d").replace("%d", res.total);
      count.dataset.total = res.total;
      if (more) more.hidden = res.total <= res.hits.length;
      root.removeAttribute("aria-busy");
    }

    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      limit = DEFAULT_LIMIT;
      run();
    });
    input.addEventListener("input", () => {
      limit = DEFAULT_LIMIT;
      clearTimeout(timer);
      timer = setTimeout(run, 120);
    });
    form.addEventListener("change", (ev) => {
      if (ev.target !== input) {
        limit = DEFAULT_LIMIT;
        run();
      }
    });
    if (more) {
      more.addEventListener("click", () => {
        limit += 20;
        run();
      });
    }
    filters.then(() => {
      restore();
      run();
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", page);
  else page();
})();
