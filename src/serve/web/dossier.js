/*
 * dossier.js - a dossier (docs/dossier-format.md) as a structured form
 * over its own XML tree.
 *
 * The page never rebuilds the XML from its fields: it edits the parsed
 * tree in place (an element's text, an attribute, an element added where
 * the format puts it) and writes the tree back.  So every part of the file
 * the page does not show (comments, <history>, unknown elements) is kept
 * as it was, and the page can say what it does not edit.
 *
 * Writing records the line of every element, so that a diagnostic of the
 * server ("line 57") leads back to the field that holds that element.
 */
'use strict';

const FS = window.FS || (window.FS = {});

/* Where each child goes, in the order of the format. */
FS.ORDER = {
  dossier: ['organization', 'application', 'assessment', 'standing', 'history'],
  organization: ['name', 'unit', 'town', 'members', 'founded', 'leader', 'phone', 'star'],
  application: ['honors', 'situation', 'opinion', 'remark'],
  score: ['note', 'evidence'],
  standing: ['compliant', 'problems', 'plan', 'remark'],
};

/* Elements and attributes the page edits; anything else is kept as is. */
FS.KNOWN = {
  dossier: { attrs: ['format', 'year', 'rubric'], kids: FS.ORDER.dossier },
  organization: { attrs: [], kids: FS.ORDER.organization },
  application: { attrs: ['date', 'star'], kids: FS.ORDER.application },
  assessment: { attrs: [], kids: ['score'] },
  score: { attrs: ['item', 'points'], kids: FS.ORDER.score },
  standing: { attrs: [], kids: FS.ORDER.standing },
  history: { attrs: [], kids: ['event'] },
  event: { attrs: ['date', 'stage', 'result'], kids: [] },
  situation: { attrs: ['section'], kids: [] },
  evidence: { attrs: ['href'], kids: [] },
};

/* Decodes the bytes of a dossier file as the command line reads it: a
 * BOM, else the encoding its XML declaration names (GB18030, GBK … as
 * TextDecoder knows them), else UTF-8, and a file with no declaration
 * that is not UTF-8 as GB18030.  Never guesses silently: bytes that are
 * not in the encoding used throw an Error with a Chinese message, so that
 * a save can never overwrite a clerk's text with replacement characters.
 * FS.decode.note says (in Chinese) when the file was read as GB18030. */
FS.decode = function (buf) {
  const bytes = new Uint8Array(buf);
  FS.decode.note = '';
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf)
    return FS.decodeAs('utf-8', bytes.subarray(3), true);
  const head = String.fromCharCode.apply(null, bytes.subarray(0, 200));
  const m = /^<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(head);
  if (m)
    return FS.decodeAs(m[1].toLowerCase(), bytes, true);
  try {
    return FS.decodeAs('utf-8', bytes, false);
  } catch (e) {
    const text = FS.decodeAs('gb18030', bytes, true);
    FS.decode.note = '此文件不是 UTF-8 编码，也没有写明编码，已按 GB18030（GBK）读取；保存时将改存为 UTF-8。';
    return text;
  }
};

/* Decodes BYTES as ENC, failing on any byte sequence ENC does not have;
 * with SAY, the failure is an Error a clerk can act on. */
FS.decodeAs = function (enc, bytes, say) {
  let dec;
  try {
    dec = new TextDecoder(enc, { fatal: true });
  } catch (e) {
    throw new Error('文件第一行写明的编码“' + enc + '”无法识别：请用记事本把文件另存为 UTF-8 后再打开');
  }
  try {
    return dec.decode(bytes);
  } catch (e) {
    if (!say) throw e;
    throw new Error('文件内容与第一行写明的编码“' + enc + '”不符（常见原因：用记事本另存为了 ANSI/GBK，' +
                    '第一行却仍写着 UTF-8）。为免损坏文件，编辑器不打开它：请用记事本打开，' +
                    '“另存为”时编码选 UTF-8，再刷新本页');
  }
};

/* Normalised text as the loader sees it: trimmed, or, for narrative
 * fields, non-empty lines trimmed and joined by newlines. */
FS.normal = function (s, paragraphs) {
  if (!paragraphs) return s.trim();
  return s.split(/\r\n|\r|\n/).map(l => l.trim()).filter(l => l).join('\n');
};

/* Characters (code points), as the loader counts them. */
FS.chars = function (s) {
  let n = 0;
  for (const c of s) n++; // eslint-disable-line no-unused-vars
  return n;
};

class Dossier {
  /* Parses TEXT; throws an Error with a Chinese message when it is not
   * well-formed XML. */
  constructor(text) {
    const doc = new DOMParser().parseFromString(text.replace(/^\uFEFF/, ''), 'application/xml');
    const err = doc.getElementsByTagName('parsererror')[0];
    if (err || !doc.documentElement || doc.documentElement.nodeName !== 'dossier')
      throw new Error('档案文件不是格式正确的 XML，本页无法编辑。请用文本编辑器按 fivestar validate 的提示修改。');
    this.doc = doc;
    this.root = doc.documentElement;
    this.lines = new Map();
  }

  /* The child NAME of EL (the first), or null. */
  child(el, name) {
    for (let c = el && el.firstElementChild; c; c = c.nextElementSibling)
      if (c.nodeName === name) return c;
    return null;
  }
  children(el, name) {
    const out = [];
    for (let c = el && el.firstElementChild; c; c = c.nextElementSibling)
      if (c.nodeName === name) out.push(c);
    return out;
  }
  depth(el) {
    let d = 0;
    for (let p = el; p && p !== this.root; p = p.parentNode) d++;
    return d;
  }

  /* Adds a new element NAME to PARENT where the format's order puts it
   * (before the first sibling that comes later), indented like the file. */
  insert(parent, name, before) {
    const order = FS.ORDER[parent.nodeName] || [];
    const rank = order.indexOf(name);
    let ref = before || null;
    if (!ref && rank >= 0)
      for (let c = parent.firstElementChild; c; c = c.nextElementSibling) {
        const r = order.indexOf(c.nodeName);
        if (r > rank) { ref = c; break; }
      }
    const el = this.doc.createElement(name);
    const pad = '\n' + '  '.repeat(this.depth(parent) + 1);
    if (!parent.firstElementChild && !parent.textContent.trim()) {
      while (parent.firstChild) parent.removeChild(parent.firstChild);
      parent.appendChild(this.doc.createTextNode(pad));
      parent.appendChild(el);
      parent.appendChild(this.doc.createTextNode('\n' + '  '.repeat(this.depth(parent))));
      return el;
    }
    if (ref) {
      parent.insertBefore(el, ref);
      parent.insertBefore(this.doc.createTextNode(pad), ref);
    } else {
      const last = parent.lastChild;
      if (last && last.nodeType === 3 && !last.data.trim()) {
        parent.insertBefore(this.doc.createTextNode(pad), last);
        parent.insertBefore(el, last);
      } else {
        parent.appendChild(this.doc.createTextNode(pad));
        parent.appendChild(el);
      }
    }
    return el;
  }

  /* Removes EL and the white space before it. */
  remove(el) {
    const prev = el.previousSibling;
    if (prev && prev.nodeType === 3 && !prev.data.trim()) prev.parentNode.removeChild(prev);
    el.parentNode.removeChild(el);
  }

  /* The element PATH names ("organization/name"), created when CREATE. */
  path(path, create) {
    let el = this.root;
    for (const part of path.split('/')) {
      let next = this.child(el, part);
      if (!next) {
        if (!create) return null;
        next = this.insert(el, part);
      }
      el = next;
    }
    return el;
  }

  /* Sets the text of EL to VALUE; narrative text goes one paragraph a
   * line, indented under the element like the example. */
  setText(el, value, paragraphs) {
    while (el.firstChild) el.removeChild(el.firstChild);
    const lines = FS.normal(value, paragraphs).split('\n').filter(l => l);
    if (!paragraphs || lines.length <= 1) {
      el.appendChild(this.doc.createTextNode(paragraphs ? lines.join('') : value.trim()));
      return;
    }
    const pad = '\n' + '  '.repeat(this.depth(el) + 1);
    el.appendChild(this.doc.createTextNode(pad + lines.join(pad) + '\n' + '  '.repeat(this.depth(el))));
  }
  getText(el, paragraphs) {
    return el ? FS.normal(el.textContent, paragraphs) : '';
  }

  /* <situation section="N">, or null. */
  situation(n, create) {
    const app = this.path('application', create);
    if (!app) return null;
    for (const s of this.children(app, 'situation'))
      if ((s.getAttribute('section') || '').trim() === String(n)) return s;
    if (!create) return null;
    /* after the situations of lower sections */
    let before = null;
    for (const s of this.children(app, 'situation'))
      if (Number(s.getAttribute('section')) > n) { before = s; break; }
    if (!before) {
      const later = this.child(app, 'opinion') || this.child(app, 'remark');
      before = later;
    }
    const el = this.insert(app, 'situation', before);
    el.setAttribute('section', String(n));
    return el;
  }

  /* <score item="N">, or null. */
  score(n, create) {
    const as = this.path('assessment', create);
    if (!as) return null;
    for (const s of this.children(as, 'score'))
      if ((s.getAttribute('item') || '').trim() === String(n)) return s;
    if (!create) return null;
    let before = null;
    for (const s of this.children(as, 'score'))
      if (Number(s.getAttribute('item')) > n) { before = s; break; }
    const el = this.insert(as, 'score', before);
    el.setAttribute('item', String(n));
    el.setAttribute('points', '');
    return el;
  }

  /* Elements and attributes of the file that the page does not edit. */
  unknown() {
    const out = [];
    const walk = (el, where) => {
      const known = FS.KNOWN[el.nodeName];
      for (const a of Array.from(el.attributes))
        if (!known || known.attrs.indexOf(a.name) < 0) out.push(where + ' 的属性 ' + a.name);
      for (let c = el.firstElementChild; c; c = c.nextElementSibling) {
        const here = where + '/' + c.nodeName;
        if (!known || known.kids.indexOf(c.nodeName) < 0) out.push('<' + here.replace(/^\//, '') + '>');
        else if (FS.KNOWN[c.nodeName]) walk(c, here);
        else for (const a of Array.from(c.attributes)) out.push('<' + here.replace(/^\//, '') + '> 的属性 ' + a.name);
      }
    };
    walk(this.root, 'dossier');
    return out;
  }

  /* The file as text (UTF-8 declared), recording in this.lines the line
   * each element starts on. */
  serialize() {
    const out = [];
    let line = 1;
    const lines = new Map();
    const put = s => {
      out.push(s);
      for (let i = s.indexOf('\n'); i >= 0; i = s.indexOf('\n', i + 1)) line++;
    };
    const text = s => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    const attr = s => text(s).replace(/"/g, '&quot;').replace(/\t/g, '&#9;')
      .replace(/\n/g, '&#10;').replace(/\r/g, '&#13;');
    const node = n => {
      switch (n.nodeType) {
        case 1: {
          lines.set(n, line);
          let s = '<' + n.nodeName;
          for (const a of Array.from(n.attributes)) s += ' ' + a.name + '="' + attr(a.value) + '"';
          if (!n.firstChild) { put(s + '/>'); return; }
          put(s + '>');
          for (let c = n.firstChild; c; c = c.nextSibling) node(c);
          put('</' + n.nodeName + '>');
          return;
        }
        case 3: put(text(n.data).replace(/\r/g, '&#13;')); return;
        case 4: put('<![CDATA[' + n.data + ']]>'); return;
        case 7: put('<?' + n.target + (n.data ? ' ' + n.data : '') + '?>'); return;
        case 8: put('<!--' + n.data + '-->'); return;
        default: return;
      }
    };
    put('<?xml version="1.0" encoding="UTF-8"?>\n');
    for (let c = this.doc.firstChild; c; c = c.nextSibling) {
      if (c.nodeType === 10) continue; // a DOCTYPE: never written back
      node(c);
      put('\n');
    }
    this.lines = lines;
    return out.join('');
  }

  /* The line of EL in the last serialisation, or 0. */
  lineOf(el) {
    return (el && this.lines.get(el)) || 0;
  }
}

FS.Dossier = Dossier;
