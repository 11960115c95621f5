/*
 * app.js - the screens of `fivestar serve`: the folder's dossiers, the
 * editor of one dossier, form previews and downloads, the 统计表.
 *
 * Every figure and every problem shown comes from the server's `check`
 * call (the library's own validation and scoring), run 150 ms after the
 * last keystroke with at most one request in flight.  While the dossier
 * still has errors the server gives no score; the page then shows the sum
 * of the scores entered so far, marked as a draft.
 */
'use strict';

(function () {
  const $ = id => document.getElementById(id);
  const h = (tag, attrs, ...kids) => {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === 'class') el.className = v;
      else if (k === 'text') el.textContent = v;
      else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
      else el.setAttribute(k, v === true ? '' : v);
    }
    for (const k of kids) if (k !== null && k !== undefined) el.append(k);
    return el;
  };

  const FORMS = [
    ['评定标准', '附件1', ['pdf', 'docx']],
    ['申报表', '附件2', ['pdf', 'docx']],
    ['创建流程图', '附件4', ['pdf']],
    ['动态管理流程图', '附件5', ['pdf']],
  ];
  /* used only when the server names no stages */
  const STAGES = [
    ['submitted', '党组织提交申报材料'], ['initial-review', '镇街（园区）或直管党委初审'],
    ['committee-review', '工委审核'], ['rectification', '整改'], ['creation', '开展创建工作'],
    ['guidance', '上级跟踪指导'], ['initial-evaluation', '镇街或直管党委初评'],
    ['final-evaluation', '工委复核评定'], ['approved', '创建成功'], ['annual-report', '党组织年度述职'],
    ['inspection', '工委年度督导检查'], ['assessment', '汇总评估结果'], ['recheck', '工委复查'],
    ['revoked', '撤销称号'],
  ];
  const LIMIT_TEXT = 5000, LIMIT_NOTE = 500;

  /* FN on every edit of the field EL: typing ('input') and changes made
   * otherwise ('change': autofill, a cleared field), once per new value
   * (bind after setting the field's first value). */
  const onEdit = (el, fn) => {
    let last = el.value;
    const on = () => {
      if (el.value === last) return;
      last = el.value;
      fn();
    };
    el.addEventListener('input', on);
    el.addEventListener('change', on);
  };

  /* ---------------------------------------------------------------- api */

  function status(text, bad) {
    const s = $('status');
    s.textContent = text || '';
    s.className = bad ? 'bad' : '';
  }

  /* fetch with the cookie; JSON errors become thrown Errors carrying the
   * status and the body. */
  const OFFLINE = '无法连接 fivestar serve：它可能已经停止。请在终端重新运行 fivestar serve，用它显示的新地址打开。';

  /* fetch, with a network failure said in Chinese. */
  async function get(url, opts) {
    try {
      return await fetch(url, Object.assign({ credentials: 'same-origin' }, opts || {}));
    } catch (e) {
      throw new Error(OFFLINE);
    }
  }

  async function api(method, url, body, headers) {
    const res = await get(url, {
      method, body,
      headers: Object.assign(body !== undefined ? { 'Content-Type': 'application/xml; charset=utf-8' } : {}, headers || {}),
    });
    const type = res.headers.get('Content-Type') || '';
    const data = type.startsWith('application/json') ? await res.json() : null;
    if (!res.ok) {
      const e = new Error((data && data.error) || ('服务器回答 ' + res.status));
      e.status = res.status;
      e.data = data;
      throw e;
    }
    return { data, res };
  }

  const enc = s => encodeURIComponent(s);
  const fileUrl = f => '/api/dossiers/' + enc(f);

  /* Fetches URL as a file: an object URL of it, or throws with the
   * server's message. */
  async function blobOf(url) {
    const res = await get(url);
    if (!res.ok) {
      let msg = '服务器回答 ' + res.status;
      try {
        const j = await res.json();
        msg = j.error + (j.diagnostics && j.diagnostics.length
          ? '\n' + j.diagnostics.map(d => '第 ' + d.line + ' 行：' + d.message).join('\n') : '');
      } catch (e) { /* not JSON */ }
      throw new Error(msg);
    }
    return URL.createObjectURL(await res.blob());
  }

  async function download(url, name) {
    status('正在生成 ' + name + ' ……');
    try {
      const href = await blobOf(url);
      const a = h('a', { href, download: name });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(href), 60000);
      status('已下载 ' + name);
    } catch (e) {
      status(e.message.split('\n')[0], true);
      alert(e.message);
    }
  }

  let previewUrl = null, previewDownload = null;
  async function preview(url, title, name) {
    const box = $('preview');
    $('preview-title').textContent = title;
    $('preview-error').hidden = true;
    $('preview-frame').hidden = false;
    $('preview-frame').removeAttribute('src');
    previewDownload = () => download(url, name);
    box.hidden = false;
    $('preview-close').focus();
    try {
      if (previewUrl) URL.revokeObjectURL(previewUrl);
      previewUrl = await blobOf(url);
      $('preview-frame').src = previewUrl;
    } catch (e) {
      $('preview-frame').hidden = true;
      $('preview-error').textContent = e.message;
      $('preview-error').hidden = false;
    }
  }
  function closePreview() {
    $('preview').hidden = true;
    $('preview-frame').removeAttribute('src');
  }
  $('preview-close').addEventListener('click', closePreview);
  $('preview-download').addEventListener('click', () => previewDownload && previewDownload());

  /* --------------------------------------------------------------- list */

  async function showList() {
    $('edit-view').hidden = true;
    $('list-view').hidden = false;
    document.title = '档案列表 · fivestar';
    const tbody = $('dossiers').tBodies[0];
    status('正在读取档案……');
    let list;
    try {
      list = (await api('GET', '/api/dossiers')).data;
    } catch (e) {
      status(e.message, true);
      return;
    }
    tbody.replaceChildren();
    for (const d of list) {
      const href = '#/edit/' + enc(d.file);
      tbody.append(h('tr', {},
        h('td', {}, h('a', { href }, d.file)),
        h('td', {}, d.organization || h('span', { class: 'muted', text: '（未填写）' })),
        h('td', { text: d.town || '' }),
        h('td', { text: d.year || '' }),
        h('td', { class: 'num', text: d.total === null ? '—' : String(d.total) }),
        h('td', {}, d.qualified === null ? h('span', { class: 'muted', text: '有错误，未计分' })
          : h('span', { class: d.qualified ? 'ok' : 'no', text: d.qualified ? '达标' : '未达标' })),
        h('td', { class: 'num' + (d.errors ? ' errors' : ''), text: String(d.errors) }),
        h('td', { class: 'num', text: String(d.warnings) })));
    }
    $('empty').hidden = list.length > 0;
    status('共 ' + list.length + ' 份档案');
  }

  $('new-form').addEventListener('submit', async ev => {
    ev.preventDefault();
    let name = $('new-name').value.trim();
    if (!name) { status('请先填写新档案的文件名', true); $('new-name').focus(); return; }
    if (!/\.xml$/i.test(name)) name += '.xml';
    if (/[\/\\]/.test(name) || name.startsWith('.') || /[\x00-\x1f]/.test(name)) {
      status('文件名不能含有 / 或 \\，也不能以点开头', true);
      return;
    }
    try {
      await api('POST', fileUrl(name) + '/new');
      $('new-name').value = '';
      location.hash = '#/edit/' + enc(name);
    } catch (e) {
      status(e.message, true);
    }
  });
  for (const b of document.querySelectorAll('[data-stats]')) {
    b.addEventListener('click', () => {
      const kind = b.getAttribute('data-stats');
      const url = '/api/stats.' + kind;
      if (b.hasAttribute('data-view')) preview(url, '达标情况统计表（附件3）', '统计表.pdf');
      else download(url + '?download=1', '统计表.' + kind);
    });
  }

  /* ------------------------------------------------------------- editor */

  const ed = {
    file: null, dos: null, etag: null, rubric: null, dirty: false,
    fields: [], scores: new Map(), timer: null, inflight: false, pending: false,
    lines: new Map(), lastScore: null,
  };

  function setDirty(d) {
    ed.dirty = d;
    $('dirty').textContent = d ? '● 有未保存的改动' : '已保存';
    $('save-state').textContent = d ? '有未保存的改动' : '';
  }

  function changed() {
    setDirty(true);
    clearTimeout(ed.timer);
    ed.timer = setTimeout(runCheck, 150);
  }

  /* One check at a time; edits made meanwhile are checked right after. */
  async function runCheck() {
    if (!ed.dos) return;
    if (ed.inflight) { ed.pending = true; return; }
    ed.inflight = true;
    const file = ed.file, xml = ed.dos.serialize(), lines = ed.dos.lines;
    try {
      const r = (await api('POST', fileUrl(file) + '/check', xml)).data;
      if (file === ed.file) {
        ed.lines = lines;
        showCheck(r.diagnostics, r.score);
      }
    } catch (e) {
      status('检查失败：' + e.message, true);
    } finally {
      ed.inflight = false;
      if (ed.pending) { ed.pending = false; runCheck(); }
    }
  }

  /* A field of the form: INPUT shows what ELEM() (the element, or null)
   * holds; HINT, when given, picks it among fields of one element by the
   * wording of a diagnostic. */
  function field(input, elem, wrap, hint) {
    const f = { input, elem, wrap: wrap || input, hint };
    ed.fields.push(f);
    return f;
  }

  function counter(input, limit) {
    const c = h('span', { class: 'count' });
    const upd = () => {
      const n = FS.chars(FS.normal(input.value, input.tagName === 'TEXTAREA'));
      c.textContent = n + ' / ' + limit + ' 字';
      c.classList.toggle('over', n > limit);
    };
    onEdit(input, upd);
    upd();
    return c;
  }

  /* A text field bound to the element PATH() gives (created on input). */
  function textField(label, get, opts) {
    const o = opts || {};
    const id = 'f' + ed.fields.length;
    const input = o.area ? h('textarea', { id, rows: o.rows || 3 }) : h('input', { id, type: 'text', autocomplete: 'off' });
    if (o.placeholder) input.placeholder = o.placeholder;
    input.value = ed.dos.getText(get(false), !!o.area);
    onEdit(input, () => {
      let el = get(false);
      if (!input.value.trim() && o.removeEmpty) {
        if (el) ed.dos.remove(el);
      } else {
        el = el || get(true);
        ed.dos.setText(el, input.value, !!o.area);
      }
      changed();
    });
    const wrap = h('div', { class: 'field' + (o.wide ? ' wide' : '') },
      h('label', { for: id, text: label }), input,
      o.hint ? h('span', { class: 'hint', text: o.hint }) : null,
      o.limit ? counter(input, o.limit) : null);
    field(input, () => get(false), wrap, o.match);
    return wrap;
  }

  /* An attribute NAME of the element GET() gives. */
  function attrField(label, get, name, opts) {
    const o = opts || {};
    const id = 'f' + ed.fields.length;
    let input;
    const el0 = get(false);
    const value = el0 && el0.hasAttribute(name) ? el0.getAttribute(name) : '';
    if (o.options) {
      input = h('select', { id });
      for (const [v, t] of o.options) input.append(h('option', { value: v, text: t }));
      input.value = value;
      if (input.value !== value) { // a value the page does not offer: keep it
        input.append(h('option', { value, text: value }));
        input.value = value;
      }
    } else {
      input = h('input', { id, type: 'text', autocomplete: 'off', placeholder: o.placeholder || null });
      input.value = value;
    }
    input.addEventListener(o.options ? 'change' : 'input', () => {
      const el = get(true);
      if (input.value === '' && o.optional) el.removeAttribute(name);
      else el.setAttribute(name, input.value.trim());
      changed();
    });
    const wrap = h('div', { class: 'field' }, h('label', { for: id, text: label }), input,
      o.hint ? h('span', { class: 'hint', text: o.hint }) : null);
    field(input, () => get(false), wrap, o.match);
    return wrap;
  }

  /* The text of a child element offered as a choice (star, compliant). */
  function choiceField(label, get, options, match) {
    const id = 'f' + ed.fields.length;
    const input = h('select', { id });
    for (const [v, t] of options) input.append(h('option', { value: v, text: t }));
    const el0 = get(false);
    const value = el0 ? el0.textContent.trim() : '';
    input.value = value;
    if (input.value !== value) {
      input.append(h('option', { value, text: value }));
      input.value = value;
    }
    input.addEventListener('change', () => {
      const el = get(false);
      if (input.value === '') { if (el) ed.dos.remove(el); }
      else ed.dos.setText(el || get(true), input.value, false);
      changed();
    });
    const wrap = h('div', { class: 'field' }, h('label', { for: id, text: label }), input);
    field(input, () => get(false), wrap, match);
    return wrap;
  }

  const tenths = s => (/^\d+(\.\d)?$/.test(s) ? Math.round(parseFloat(s) * 10) : null);
  const fmt = t => (t % 10 === 0 ? String(t / 10) : (t / 10).toFixed(1));

  /* Is S a score the rubric allows on an item of MAX tenths?  The message
   * when not. */
  function scoreProblem(s, max) {
    if (s === '') return '未填写';
    const t = tenths(s);
    if (t === null) return '应为 0 到 ' + fmt(max) + ' 之间的数，最多一位小数';
    if (t > max) return '超过该项分值 ' + fmt(max);
    return '';
  }

  function evidenceRow(scoreEl, ev, list) {
    const cap = h('input', { type: 'text', placeholder: '佐证材料说明，如 会议纪要', 'aria-label': '佐证材料说明' });
    const href = h('input', { type: 'text', placeholder: '文件路径（可不填）', 'aria-label': '佐证材料文件路径' });
    cap.value = ev.textContent.trim();
    href.value = ev.getAttribute('href') || '';
    onEdit(cap, () => { ed.dos.setText(ev, cap.value, false); changed(); });
    onEdit(href, () => {
      if (href.value.trim()) ev.setAttribute('href', href.value.trim());
      else ev.removeAttribute('href');
      changed();
    });
    const row = h('div', { class: 'ev' }, cap, href,
      h('button', { type: 'button', class: 'link', text: '删除', onclick: () => {
        ed.dos.remove(ev);
        if (!scoreEl.firstElementChild) while (scoreEl.firstChild) scoreEl.removeChild(scoreEl.firstChild);
        row.remove();
        changed();
      } }));
    field(cap, () => (ev.parentNode ? ev : null), row, /说明|evidence/);
    field(href, () => (ev.parentNode ? ev : null), row, /路径|href/);
    list.append(row);
    return cap;
  }

  function itemCard(it) {
    const dos = ed.dos;
    const get = create => dos.score(it.number, create);
    const max = Math.round(it.max * 10);
    const id = 'score-' + it.number;
    const input = h('input', {
      id, class: 'score', type: 'text', inputmode: 'decimal', autocomplete: 'off',
      'aria-describedby': id + '-msg', 'data-item': it.number, 'data-max': it.max,
    });
    const el0 = get(false);
    input.value = el0 ? (el0.getAttribute('points') || '').trim() : '';
    const msg = h('span', { id: id + '-msg', class: 'score-msg' });
    const check = () => {
      const p = input.value.trim() === '' ? '' : scoreProblem(input.value.trim(), max);
      msg.textContent = p;
      input.classList.toggle('bad', !!p);
      input.setAttribute('aria-invalid', p ? 'true' : 'false');
    };
    onEdit(input, () => {
      get(true).setAttribute('points', input.value.trim());
      check();
      changed();
    });
    input.addEventListener('keydown', ev => { // ↑ ↓: a tenth up or down, within 0..max
      if (ev.key !== 'ArrowUp' && ev.key !== 'ArrowDown') return;
      ev.preventDefault();
      const t = tenths(input.value.trim()) ?? 0;
      const n = Math.min(max, Math.max(0, t + (ev.key === 'ArrowUp' ? 1 : -1)));
      input.value = fmt(n);
      input.dispatchEvent(new Event('input'));
    });
    check();

    const noteId = 'note-' + it.number;
    const note = h('textarea', { id: noteId, rows: 1, placeholder: '自评说明（可不填，500 字以内）' });
    note.value = dos.getText(el0 && dos.child(el0, 'note'), true);
    onEdit(note, () => {
      const s = get(true);
      let n = dos.child(s, 'note');
      if (!note.value.trim()) { if (n) dos.remove(n); }
      else ed.dos.setText(n || dos.insert(s, 'note'), note.value, true);
      changed();
    });
    const evs = h('div', { class: 'evidence' });
    for (const ev of el0 ? dos.children(el0, 'evidence') : []) evidenceRow(el0, ev, evs);
    const addEv = h('button', { type: 'button', class: 'link', text: '＋ 添加佐证材料', onclick: () => {
      const s = get(true);
      const ev = dos.insert(s, 'evidence');
      evidenceRow(s, ev, evs).focus();
      changed();
    } });

    const card = h('div', { class: 'item', id: 'item-' + it.number },
      h('div', { class: 'item-head' },
        h('label', { for: id, class: 'no', text: '第' + it.number + '项' }),
        h('span', { class: 'muted', text: '分值 ' + it.max + ' 分' }),
        h('span', { class: 'grow' }),
        h('label', { for: id, text: '自评分' }), input, h('span', { class: 'muted', text: '/ ' + it.max }), msg),
      h('div', { class: 'std' }, ...it.standard.map(p => h('p', { text: p }))),
      it.check ? h('div', { class: 'check', text: '检查内容：' + it.check }) : null,
      h('div', { class: 'field' }, note, counter(note, LIMIT_NOTE)),
      evs, addEv);
    field(input, () => get(false), card, /自评分|分值|points|项目编号|重复/);
    field(note, () => { const s = get(false); return s && dos.child(s, 'note'); }, card, /自评说明|note/);
    ed.scores.set(it.number, { input, card, max });
    return card;
  }

  function eventRow(ev, list) {
    const dos = ed.dos;
    const date = h('input', { type: 'text', placeholder: 'YYYY-MM-DD', 'aria-label': '日期' });
    const stage = h('select', { 'aria-label': '环节' });
    const stages = ed.rubric.stages && ed.rubric.stages.length
      ? ed.rubric.stages.map(st => [st.name, st.label]) : STAGES;
    for (const [v, t] of stages) stage.append(h('option', { value: v, text: t }));
    if (![...stage.options].some(o => o.value === (ev.getAttribute('stage') || '')))
      stage.append(h('option', { value: ev.getAttribute('stage') || '', text: ev.getAttribute('stage') || '（未选）' }));
    const result = h('select', { 'aria-label': '结果' },
      h('option', { value: '', text: '（无结果）' }), h('option', { value: 'pass', text: '通过' }),
      h('option', { value: 'fail', text: '不通过' }));
    const text = h('input', { type: 'text', placeholder: '说明（可不填）', 'aria-label': '说明' });
    date.value = ev.getAttribute('date') || '';
    stage.value = ev.getAttribute('stage') || '';
    result.value = ev.getAttribute('result') || '';
    text.value = ev.textContent.trim();
    const setA = (name, v) => { if (v) ev.setAttribute(name, v); else ev.removeAttribute(name); changed(); };
    onEdit(date, () => setA('date', date.value.trim()));
    stage.addEventListener('change', () => setA('stage', stage.value));
    result.addEventListener('change', () => setA('result', result.value));
    onEdit(text, () => { dos.setText(ev, text.value, false); changed(); });
    const row = h('div', { class: 'ev' }, date, stage, result, text,
      h('button', { type: 'button', class: 'link', text: '删除', onclick: () => { dos.remove(ev); row.remove(); changed(); } }));
    field(date, () => (ev.parentNode ? ev : null), row);
    list.append(row);
    return date;
  }

  function buildForm() {
    const dos = ed.dos, r = ed.rubric;
    const box = $('fields');
    box.replaceChildren();
    ed.fields = [];
    ed.scores = new Map();
    const org = c => dos.path('organization', c);
    const child = (parent, name) => c => { const p = parent(c); return p && (dos.child(p, name) || (c ? dos.insert(p, name) : null)); };
    const app = c => dos.path('application', c);
    const root = () => dos.root;

    box.append(h('fieldset', { id: 'sec-org' }, h('legend', { text: '一、党组织基本情况' }),
      h('div', { class: 'grid2' },
        textField('党组织名称（全称）', child(org, 'name'), { placeholder: '如 中共东莞市××律师事务所支部委员会', match: /名称|name/ }),
        textField('申报单位', child(org, 'unit'), { placeholder: '律师事务所或社会组织的名称' }),
        textField('镇街（单位）', child(org, 'town'), { placeholder: '如 南城街道、松山湖园区、市直管' }),
        textField('党员人数', child(org, 'members'), { placeholder: '整数' }),
        textField('党组织成立时间', child(org, 'founded'), { placeholder: 'YYYY-MM-DD，如 2010-06-18' }),
        textField('党组织负责人', child(org, 'leader')),
        textField('单位电话', child(org, 'phone'), { placeholder: '如 0769-22881234' }),
        choiceField('已获评的星级', child(org, 'star'),
          [['', '（不填）'], ['0', '尚未获评'], ['1', '一星'], ['2', '二星'], ['3', '三星'], ['4', '四星'], ['5', '五星']]),
        attrField('评定年度', root, 'year', { placeholder: '四位数字，如 2018', match: /年度|year/ }),
        attrField('申报时间', app, 'date', { placeholder: 'YYYY-MM-DD', match: /申报时间|成立时间|date/ }),
        attrField('申报星级', app, 'star', {
          optional: true, match: /申报星级/,
          options: [['', '（默认五星）']].concat(r.thresholds.map(t => [String(t.star), t.name])),
        }))));

    const sit = h('fieldset', { id: 'sec-app' }, h('legend', { text: '二、申报情况' }),
      textField('受表彰情况', child(app, 'honors'), { area: true, rows: 2, limit: LIMIT_TEXT, hint: '每行一段' }));
    for (const s of r.sections)
      sit.append(textField(s.name + '情况', c => dos.situation(s.number, c),
        { area: true, rows: 3, limit: LIMIT_TEXT, hint: '每行一段', match: new RegExp(s.name) }));
    sit.append(textField('各镇街（园区）、市直管党组织意见', child(app, 'opinion'),
      { area: true, rows: 2, limit: LIMIT_TEXT, hint: '通常在纸面上填写并盖章，可不填' }));
    sit.append(textField('备注', child(app, 'remark'), { area: true, rows: 2, limit: LIMIT_TEXT }));
    box.append(sit);

    const as = h('fieldset', { id: 'sec-score' }, h('legend', { text: '三、自评分（' + r.title + '）' }));
    for (const s of r.sections) {
      as.append(h('div', { class: 'section-head', id: 'section-' + s.number },
        h('h3', { text: s.label + '（' + s.max + '分）' }),
        h('span', { class: 'muted' }, '小计 ', h('strong', { id: 'sub-' + s.number, text: '—' }), ' / ' + s.max)));
      for (const it of s.items) as.append(itemCard(it));
    }
    box.append(as);

    const st = c => dos.path('standing', c);
    box.append(h('fieldset', { id: 'sec-standing' }, h('legend', { text: '四、统计表信息（可不填）' }),
      h('div', { class: 'grid2' },
        choiceField('是否达标', child(st, 'compliant'), [['', '（按总分自动判定）'], ['yes', '是'], ['no', '否']], /达标|compliant/)),
      textField('存在问题', child(st, 'problems'), { area: true, rows: 2, limit: LIMIT_TEXT }),
      textField('下一步工作计划', child(st, 'plan'), { area: true, rows: 2, limit: LIMIT_TEXT }),
      textField('备注', child(st, 'remark'), { area: true, rows: 2, limit: LIMIT_TEXT })));

    const hist = h('div', { class: 'events' });
    const hi = dos.path('history', false);
    for (const ev of hi ? dos.children(hi, 'event') : []) eventRow(ev, hist);
    box.append(h('fieldset', { id: 'sec-history' }, h('legend', { text: '五、创建和管理历程（流程图上标注，可不填）' }),
      hist, h('button', { type: 'button', class: 'link', text: '＋ 添加一个环节', onclick: () => {
        const ev = dos.insert(dos.path('history', true), 'event');
        ev.setAttribute('date', '');
        ev.setAttribute('stage', 'submitted');
        eventRow(ev, hist).focus();
        changed();
      } })));

    /* the side panel: subtotals and forms */
    const sub = $('subtotals');
    sub.replaceChildren();
    for (const s of r.sections)
      sub.append(h('tr', {}, h('td', {}, h('a', { href: '#', onclick: e => { e.preventDefault(); $('section-' + s.number).scrollIntoView(); } }, s.label)),
        h('td', { class: 'num' }, h('span', { id: 'side-sub-' + s.number, text: '—' }), ' / ' + s.max)));
    $('max').textContent = r.max;
    const forms = $('forms');
    forms.replaceChildren();
    for (const [name, att, kinds] of FORMS) {
      const base = fileUrl(ed.file) + '/forms/' + enc(name);
      const stem = ed.file.replace(/\.xml$/i, '') + '-' + name;
      const row = h('tr', {}, h('td', { text: name + '（' + att + '）' }));
      const cell = h('td', { class: 'num' });
      cell.append(h('button', { type: 'button', text: '预览', 'data-form': name, onclick: async () => {
        if (ed.dirty && !(await saveFirst())) return;
        preview(base + '.pdf', name + '（' + att + '）', stem + '.pdf');
      } }));
      for (const k of kinds)
        cell.append(' ', h('button', { type: 'button', text: k.toUpperCase(), title: '下载 ' + name + '.' + k, 'data-download': name + '.' + k, onclick: async () => {
          if (ed.dirty && !(await saveFirst())) return;
          download(base + '.' + k + '?download=1', stem + '.' + k);
        } }));
      row.append(cell);
      forms.append(row);
    }
    {
      const url = fileUrl(ed.file) + '/bundle.pdf';
      const name = ed.file.replace(/\.xml$/i, '') + '-申报材料汇编.pdf';
      forms.append(h('tr', {}, h('td', { text: '申报材料汇编（含佐证）', title: '表格、佐证材料目录和佐证材料合成一个 PDF（与 fivestar bundle 相同）' }),
        h('td', { class: 'num' },
          h('button', { type: 'button', text: '预览', 'data-form': 'bundle', onclick: async () => {
            if (ed.dirty && !(await saveFirst())) return;
            preview(url, '申报材料汇编', name);
          } }), ' ',
          h('button', { type: 'button', text: 'PDF', 'data-download': 'bundle.pdf', onclick: async () => {
            if (ed.dirty && !(await saveFirst())) return;
            download(url + '?download=1', name);
          } }))));
    }
    const unk = dos.unknown();
    $('unknown').hidden = !unk.length;
    $('unknown').textContent = unk.length
      ? '档案中还有本页不能编辑的内容，保存时原样保留：' + unk.join('、') : '';
  }

  async function saveFirst() {
    if (!confirm('表格按已保存的档案生成。现在保存本页的改动吗？')) return false;
    return save(false);
  }

  function showCheck(diags, score) {
    const r = ed.rubric;
    for (const f of ed.fields) {
      f.wrap.classList.remove('err');
      f.input.classList.remove('bad');
    }
    for (const [, s] of ed.scores) s.card.classList.remove('err');
    const list = $('diags');
    list.replaceChildren();
    let errors = 0;
    for (const d of diags) {
      if (d.severity === 'error') errors++;
      const f = fieldFor(d);
      if (f && d.severity === 'error') {
        f.wrap.classList.add('err');
        f.input.classList.add('bad');
      }
      list.append(h('li', {}, h('button', {
        type: 'button', class: d.severity,
        onclick: () => focusField(f),
      }, (d.line ? '第 ' + d.line + ' 行 · ' : '') + (d.severity === 'error' ? '错误：' : '提醒：') + d.message)));
    }
    $('diag-count').textContent = diags.length ? '（' + errors + ' 个错误，' + (diags.length - errors) + ' 个提醒）' : '（没有问题）';
    if (!diags.length) list.append(h('li', { class: 'muted', text: '档案通过检查，可以生成表格。' }));
    ed.lastScore = score;
    const total = $('total'), verdict = $('verdict');
    if (score) {
      total.textContent = String(score.total);
      total.classList.remove('draft');
      for (const s of score.sections) {
        $('sub-' + s.number).textContent = String(s.score);
        $('side-sub-' + s.number).textContent = String(s.score);
      }
      const th = r.thresholds.find(t => t.star === score.star);
      if (!th) verdict.textContent = '评定标准没有 ' + score.star + ' 星的分数线';
      else if (score.qualified) verdict.innerHTML = '', verdict.append(h('span', { class: 'ok', text: '达到“' + th.name + '”标准（' + th.min + '分）' }));
      else verdict.innerHTML = '', verdict.append(h('span', { class: 'no', text: '未达到“' + th.name + '”标准（' + th.min + '分），尚差 ' + fmt(Math.round(th.min * 10) - Math.round(score.total * 10)) + ' 分' }));
      return;
    }
    /* no score while the dossier has errors: the sum so far, as a draft */
    let sum = 0, filled = 0;
    for (const s of r.sections) {
      let sub = 0;
      for (const it of s.items) {
        const e = ed.scores.get(it.number);
        const t = tenths(e.input.value.trim());
        if (t !== null && t <= e.max) { sub += t; filled++; }
      }
      sum += sub;
      $('sub-' + s.number).textContent = fmt(sub) + '（草稿）';
      $('side-sub-' + s.number).textContent = fmt(sub);
    }
    total.textContent = fmt(sum);
    total.classList.add('draft');
    verdict.replaceChildren(h('span', { class: 'muted', text: '草稿：已填 ' + filled + ' / ' + r.items + ' 项。档案还有错误，改正后显示正式总分和结论。' }));
  }

  /* The field a diagnostic speaks of: the one whose element starts on its
   * line (picked by wording among several), else the item it names, else
   * the nearest field above its line. */
  function fieldFor(d) {
    const at = ed.fields.filter(f => ed.lines.get(f.elem()) === d.line && d.line);
    if (at.length) return at.find(f => f.hint && f.hint.test(d.message)) || at[0];
    const m = /第(\d+)项/.exec(d.message);
    if (m && ed.scores.has(Number(m[1]))) return ed.fields.find(f => f.input === ed.scores.get(Number(m[1])).input);
    let best = null, bl = 0;
    for (const f of ed.fields) {
      const l = ed.lines.get(f.elem());
      if (l && l <= d.line && l > bl) { best = f; bl = l; }
    }
    return best;
  }

  function focusField(f) {
    if (!f) return;
    f.wrap.scrollIntoView({ block: 'center' });
    f.input.focus();
    if (f.input.select) f.input.select();
  }

  async function save(force) {
    const xml = ed.dos.serialize();
    const lines = ed.dos.lines;
    const headers = force ? {} : { 'If-Match': ed.etag };
    $('save').disabled = true;
    status('正在保存……');
    try {
      const { data, res } = await api('PUT', fileUrl(ed.file), xml, headers);
      ed.etag = res.headers.get('ETag');
      ed.lines = lines;
      setDirty(false);
      $('conflict').hidden = true;
      const errs = data.diagnostics.filter(d => d.severity === 'error').length;
      status(errs ? '已保存（草稿还有 ' + errs + ' 个错误）' : '已保存');
      showCheck(data.diagnostics, ed.lastScore);
      runCheck();
      return true;
    } catch (e) {
      if (e.status === 409) {
        $('conflict-text').textContent = e.message;
        $('conflict').hidden = false;
        $('reload').focus();
      }
      status(e.status === 409 ? '未保存：此档案已在别处修改（见右侧）' : '未保存：' + e.message, true);
      return false;
    } finally {
      $('save').disabled = false;
    }
  }
  $('save').addEventListener('click', () => save(false));
  $('force').addEventListener('click', () => save(true));
  $('reload').addEventListener('click', () => { setDirty(false); openDossier(ed.file); });

  const rubrics = new Map();
  async function openDossier(file) {
    $('list-view').hidden = true;
    $('edit-view').hidden = false;
    $('conflict').hidden = true;
    $('file-name').textContent = file;
    document.title = file + ' · fivestar';
    status('正在打开 ' + file + ' ……');
    try {
      // canonical=1: the typed values (是, 五星级, 2019年4月12日) in the
      // spellings the form's choices use, under the stored file's ETag.
      const res = await get(fileUrl(file) + '?canonical=1');
      if (!res.ok) throw new Error((await res.json()).error);
      const text = FS.decode(await res.arrayBuffer());
      const dos = new FS.Dossier(text);
      const rid = (dos.root.getAttribute('rubric') || 'dongguan-2018').trim();
      if (!rubrics.has(rid)) rubrics.set(rid, (await api('GET', '/api/rubric/' + enc(rid))).data);
      const r = rubrics.get(rid);
      r.items = r.sections.reduce((n, s) => n + s.items.length, 0);
      Object.assign(ed, { file, dos, etag: res.headers.get('ETag'), rubric: r, lastScore: null });
      buildForm();
      setDirty(false);
      status(FS.decode.note);
      runCheck();
      const first = $('fields').querySelector('input');
      if (first && !first.value) first.focus();   // a new dossier: start typing
    } catch (e) {
      $('fields').replaceChildren(h('p', { class: 'error-text', text: '无法打开 ' + file + '：' + e.message }));
      status(e.message, true);
    }
  }

  /* ------------------------------------------------------------- routes */

  function route() {
    const m = /^#\/edit\/(.+)$/.exec(location.hash);
    if (m) openDossier(decodeURIComponent(m[1]));
    else { ed.file = null; ed.dos = null; showList(); }
  }
  let lastHash = location.hash;
  window.addEventListener('hashchange', () => {
    if (ed.dirty && !confirm('本页有未保存的改动，确定离开吗？（改动将丢失）')) {
      history.replaceState(null, '', lastHash || '#/');
      return;
    }
    setDirty(false);
    lastHash = location.hash;
    route();
  });
  window.addEventListener('beforeunload', e => {
    if (ed.dirty) { e.preventDefault(); e.returnValue = ''; }
  });
  document.addEventListener('keydown', e => {
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 's') {
      e.preventDefault();
      if (ed.dos && !$('edit-view').hidden) save(false);
    } else if (e.key === 'Escape' && !$('preview').hidden) {
      closePreview();
    }
  });
  route();
})();
