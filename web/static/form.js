/* The contract form: renders the form description (web/formspec.py) for a contract
 * document, keeps what is typed in a plain object, and serializes it as JSON in which every
 * number keeps the exact digits typed (so form and YAML file are interchangeable).
 * No framework, no build step, no network access beyond this app. */
(function () {
  'use strict';

  function data(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }

  var root = document.getElementById('contract-form');
  if (!root) { return; }
  var SPEC = data('form-spec');
  var T = SPEC.text;
  var DRAFT_KEY = 'sharing-form-draft';
  var state = data('form-document') || {};
  var errors = data('form-errors') || [];
  var params = new URLSearchParams(window.location.search);
  if (params.get('restore') === '1') {
    try {
      var saved = JSON.parse(window.sessionStorage.getItem(DRAFT_KEY) || 'null');
      if (saved && typeof saved === 'object') { state = saved; }
    } catch (e) { /* no draft */ }
  }
  if (!state || typeof state !== 'object' || Array.isArray(state)) { state = {}; }

  // ---- small DOM helper --------------------------------------------------------------
  function h(tag, attrs) {
    var el = document.createElement(tag);
    var k;
    for (k in (attrs || {})) {
      if (!Object.prototype.hasOwnProperty.call(attrs, k)) { continue; }
      var v = attrs[k];
      if (v === undefined || v === null || v === false) { continue; }
      if (k === 'text') { el.textContent = v; }
      else if (k.slice(0, 2) === 'on') { el.addEventListener(k.slice(2), v); }
      else { el.setAttribute(k, v === true ? '' : v); }
    }
    for (var i = 2; i < arguments.length; i++) {
      var c = arguments[i];
      if (c === null || c === undefined || c === false) { continue; }
      if (Array.isArray(c)) { c.forEach(function (x) { if (x) { el.appendChild(x); } }); }
      else { el.appendChild(typeof c === 'string' ? document.createTextNode(c) : c); }
    }
    return el;
  }

  function isObj(v) { return v !== null && typeof v === 'object' && !Array.isArray(v); }
  function str(v) {
    if (v === undefined || v === null) { return ''; }
    if (typeof v === 'object') { return JSON.stringify(v); }
    return String(v);
  }
  function join(path, key) { return path ? path + '.' + key : key; }
  function idx(path, i) { return path + '[' + i + ']'; }

  var saveTimer = null;
  function changed() {
    if (saveTimer) { window.clearTimeout(saveTimer); }
    saveTimer = window.setTimeout(saveDraft, 300);
  }
  function saveDraft() {
    try { window.sessionStorage.setItem(DRAFT_KEY, JSON.stringify(state)); } catch (e) { /* full */ }
  }

  // ---- ids for the reference fields ----------------------------------------------------
  function ids(kind) {
    var list = kind === 'party' ? state.parties : kind === 'stream' ? state.streams : state.clauses;
    if (!Array.isArray(list)) { return []; }
    return list.filter(isObj).map(function (x) { return str(x.id); }).filter(Boolean);
  }
  function refreshLists() {
    ['party', 'stream', 'clause'].forEach(function (kind) {
      var dl = document.getElementById('ids-' + kind);
      if (!dl) { dl = h('datalist', { id: 'ids-' + kind }); document.body.appendChild(dl); }
      dl.textContent = '';
      ids(kind).forEach(function (id) { dl.appendChild(h('option', { value: id })); });
    });
  }

  // Widgets that show the current ids (shares grids, id chips) refresh in place when an id
  // changes, without re-rendering the form, so the field the user moves to keeps its focus.
  var refreshers = [];
  function idsChanged() {
    window.setTimeout(function () {
      refreshLists();
      refreshers.forEach(function (f) { f(); });
    }, 0);
  }

  // ---- fields --------------------------------------------------------------------------
  function fieldBox(f, path, control, extra) {
    var id = 'f-' + path.replace(/[^\w-]/g, '_');
    if (control && control.tagName && !control.id) { control.id = id; }
    return h('div', { 'class': 'field ' + (f.cls || '') + ' t-' + f.t, 'data-path': path },
      h('label', { 'for': control && control.id ? control.id : null },
        f.l, f.req ? h('span', { 'class': 'req', title: '*', text: ' *' }) : null),
      control, extra || null,
      f.h ? h('div', { 'class': 'help', text: f.h }) : null);
  }

  function textInput(obj, key, path, opts) {
    opts = opts || {};
    var input = h(opts.area ? 'textarea' : 'input', {
      type: opts.area ? null : 'text', name: path, 'data-input': path,
      inputmode: opts.inputmode || null, list: opts.list || null, autocomplete: 'off',
      rows: opts.area ? 3 : null, spellcheck: opts.area ? null : 'false',
      oninput: function (e) {
        var v = e.target.value;
        if (opts.parse) { obj[key] = opts.parse(v); } else { obj[key] = v; }
        if (opts.after) { opts.after(); }
        changed();
      },
      onchange: opts.onchange || null
    });
    input.value = opts.show ? opts.show(obj[key]) : str(obj[key]);
    return input;
  }

  function splitList(text) {
    var parts = String(text).split(/[\s,;，；、]+/);
    return parts.filter(function (p) { return p !== ''; });
  }

  function selectInput(f, obj, key, path, onchange) {
    var sel = h('select', { name: path, 'data-input': path, onchange: function (e) {
      if (e.target.value === '') { delete obj[key]; } else { obj[key] = e.target.value; }
      changed();
      if (onchange) { onchange(); }
    } });
    var cur = obj[key];
    sel.appendChild(h('option', { value: '' , text: f.default ?
      T['default'] + ': ' + labelOf(f.opt, f.default) : T.choose }));
    var known = false;
    f.opt.forEach(function (o) {
      var opt = h('option', { value: o[0], text: o[1] + ' (' + o[0] + ')' });
      if (cur !== undefined && str(cur) === o[0]) { opt.selected = true; known = true; }
      sel.appendChild(opt);
    });
    if (cur !== undefined && cur !== '' && !known) {  // a value from a file the form lacks
      sel.appendChild(h('option', { value: str(cur), text: str(cur), selected: true }));
    }
    return sel;
  }
  function labelOf(opts, v) {
    for (var i = 0; i < opts.length; i++) { if (opts[i][0] === v) { return opts[i][1]; } }
    return v;
  }

  function refsField(f, obj, key, path) {
    var input = textInput(obj, key, path, {
      show: function (v) { return Array.isArray(v) ? v.map(str).join(', ') : str(v); },
      parse: function (text) { return splitList(text); }
    });
    var chips = h('div', { 'class': 'chips' });
    function fill() {
      chips.textContent = '';
      chips.appendChild(h('span', { 'class': 'muted', text: T.available + ' ' }));
      ids(f.ref).forEach(function (id) {
        chips.appendChild(h('button', { type: 'button', 'class': 'chip', text: id, 'data-chip': path, onclick: function () {
          var cur = Array.isArray(obj[key]) ? obj[key] : splitList(str(obj[key] || ''));
          if (cur.indexOf(id) < 0) { cur.push(id); }
          obj[key] = cur;
          input.value = cur.join(', ');
          changed();
        } }));
      });
    }
    fill();
    refreshers.push(fill);
    return fieldBox(f, path, input, chips);
  }

  function numsField(f, obj, key, path) {
    var count = h('span', { 'class': 'muted count' });
    function show() {
      var n = Array.isArray(obj[key]) ? obj[key].length : 0;
      count.textContent = n ? '(' + n + ')' : '';
    }
    var input = textInput(obj, key, path, {
      area: f.cls === 'wide', inputmode: 'decimal',
      show: function (v) { return Array.isArray(v) ? v.map(str).join(', ') : str(v); },
      parse: function (text) { return splitList(text); }, after: show
    });
    show();
    return fieldBox(f, path, input, count);
  }

  // exact rational arithmetic for the running sum of a shares map
  function gcd(a, b) { a = a < 0n ? -a : a; b = b < 0n ? -b : b; while (b) { var t = a % b; a = b; b = t; } return a; }
  function frac(text) {
    var s = String(text).trim().replace(/,/g, '');
    var pct = false;
    if (/%$/.test(s)) { pct = true; s = s.slice(0, -1).trim(); }
    var m = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(s);
    var n, d;
    if (m && (m[2] || m[3])) {
      var dec = m[3] || '';
      n = BigInt((m[1] === '-' ? '-' : '') + (m[2] || '0') + dec);
      d = 10n ** BigInt(dec.length);
    } else {
      m = /^([+-]?\d+)\s*\/\s*([+-]?\d+)$/.exec(s);
      if (!m || BigInt(m[2]) === 0n) { return null; }
      n = BigInt(m[1]); d = BigInt(m[2]);
    }
    if (pct) { d *= 100n; }
    return [n, d];
  }
  function sumText(map) {
    var n = 0n, d = 1n, any = false;
    for (var k in map) {
      if (!Object.prototype.hasOwnProperty.call(map, k) || str(map[k]).trim() === '') { continue; }
      var f = frac(map[k]);
      if (!f) { return null; }
      n = n * f[1] + f[0] * d; d = d * f[1]; any = true;
      var g = gcd(n, d) || 1n; n /= g; d /= g;
    }
    if (!any) { return ''; }
    if (d < 0n) { n = -n; d = -d; }
    var text = d === 1n ? String(n) : String(n) + '/' + String(d);
    return (n === d ? '✓ ' + T.sum + ' = 1' : '✗ ' + T.sum + ' = ' + text + ' — ' + T.not_one);
  }

  function sharesField(f, obj, key, path) {
    var cur = obj[key];
    var box = h('div', { 'class': 'shares' });
    var mode = isObj(cur) && Object.prototype.hasOwnProperty.call(cur, 'from_equity') ? 'equity' : 'fixed';
    if (f.equity) {
      var sel = h('select', { 'data-input': path + '.mode', onchange: function (e) {
        obj[key] = e.target.value === 'equity' ? { from_equity: '' } : {};
        changed(); render();
      } },
      h('option', { value: 'fixed', text: T.fixed_shares, selected: mode === 'fixed' }),
      h('option', { value: 'equity', text: T.from_equity, selected: mode === 'equity' }));
      box.appendChild(sel);
    }
    if (mode === 'equity') {
      box.appendChild(h('div', { 'class': 'field', 'data-path': join(path, 'from_equity') },
        textInput(cur, 'from_equity', join(path, 'from_equity'), { list: 'ids-clause' })));
      return fieldBox(f, path, box);
    }
    if (!isObj(cur)) { cur = {}; if (obj[key] !== undefined && obj[key] !== '') { cur = obj[key]; } }
    if (!isObj(cur)) {  // not a map in the file: show it as it is
      return fieldBox(f, path, rawInput(obj, key, path));
    }
    obj[key] = cur;
    var total = h('div', { 'class': 'sum' });
    function upd() { var s = sumText(cur); total.textContent = s === null ? '' : s; total.className = 'sum ' + (s && s.charAt(0) === '✓' ? 'ok' : 'bad'); }
    var grid = h('div', { 'class': 'share-grid' });
    var cells = {};
    function fill() {
      var names = ids('party');
      Object.keys(cur).forEach(function (k) { if (names.indexOf(k) < 0) { names.push(k); } });
      Object.keys(cells).forEach(function (pid) {  // a party renamed or removed, with no share
        if (names.indexOf(pid) < 0 && cells[pid].parentNode) { grid.removeChild(cells[pid]); delete cells[pid]; }
      });
      names.forEach(function (pid) {
        if (cells[pid]) { return; }
        cells[pid] = h('div', { 'class': 'share', 'data-path': join(path, pid) },
          h('label', { text: pid }),
          textInput(cur, pid, join(path, pid), { inputmode: 'decimal', after: upd }));
        grid.appendChild(cells[pid]);
      });
    }
    fill();
    refreshers.push(fill);
    box.appendChild(grid);
    box.appendChild(total);
    upd();
    return fieldBox(f, path, box);
  }

  function weightsField(f, obj, key, path) {
    if (obj[key] !== undefined && !isObj(obj[key])) { return fieldBox(f, path, rawInput(obj, key, path)); }
    var cur = isObj(obj[key]) ? obj[key] : {};
    obj[key] = cur;
    var grid = h('div', { 'class': 'share-grid' });
    var kinds = f.kinds.map(function (k) { return k[0]; });
    Object.keys(cur).forEach(function (k) { if (kinds.indexOf(k) < 0) { kinds.push(k); } });
    kinds.forEach(function (k) {
      grid.appendChild(h('div', { 'class': 'share', 'data-path': join(path, k) },
        h('label', { text: labelOf(f.kinds, k) }),
        textInput(cur, k, join(path, k), { inputmode: 'decimal' })));
    });
    return fieldBox(f, path, grid);
  }

  function cumulativeField(f, obj, key, path) {
    var cur = obj[key];
    var mode = cur === undefined || cur === '' ? 'none' : (cur === 'pre_relocation_total' ? 'pre' : 'amount');
    var amount = h('span');
    var sel = h('select', { 'data-input': path + '.mode', onchange: function (e) {
      if (e.target.value === 'none') { delete obj[key]; }
      else if (e.target.value === 'pre') { obj[key] = 'pre_relocation_total'; }
      else { obj[key] = ''; }
      changed(); render();
    } },
    h('option', { value: 'none', text: T.none, selected: mode === 'none' }),
    h('option', { value: 'pre', text: T.pre_relocation_total, selected: mode === 'pre' }),
    h('option', { value: 'amount', text: T.amount, selected: mode === 'amount' }));
    if (mode === 'amount') { amount.appendChild(textInput(obj, key, path, { inputmode: 'decimal' })); }
    return fieldBox(f, path, h('div', { 'class': 'inline' }, sel, amount));
  }

  function floorField(f, obj, key, path) {
    var cur = obj[key];
    var mode = isObj(cur) ? 'rate' : 'fixed';
    var sel = h('select', { 'data-input': path + '.mode', onchange: function (e) {
      obj[key] = e.target.value === 'rate' ? { rate: '', of: 'contributions' } : '';
      changed(); render();
    } },
    h('option', { value: 'fixed', text: T.fixed_floor, selected: mode === 'fixed' }),
    h('option', { value: 'rate', text: T.rate_of_contributions, selected: mode === 'rate' }));
    var input = mode === 'rate'
      ? h('span', { 'class': 'field', 'data-path': join(path, 'rate') }, textInput(cur, 'rate', join(path, 'rate'), { inputmode: 'decimal' }))
      : textInput(obj, key, path, { inputmode: 'decimal' });
    return fieldBox(f, path, h('div', { 'class': 'inline' }, sel, input));
  }

  function rawInput(obj, key, path) {
    var input = h('input', { type: 'text', 'class': 'raw', 'data-input': path, title: T.raw,
      oninput: function (e) {
        try { obj[key] = { __raw__: JSON.parse(e.target.value) }; }
        catch (err) { obj[key] = e.target.value; }
        changed();
      } });
    input.value = JSON.stringify(obj[key] && obj[key].__raw__ !== undefined ? obj[key].__raw__ : obj[key]);
    return input;
  }

  function renderField(f, obj, path) {
    var key = f.k;
    var p = join(path, key);
    switch (f.t) {
      case 'text': return fieldBox(f, p, textInput(obj, key, p, f.k === 'id' ? { onchange: idsChanged } : {}));
      case 'textarea': return fieldBox(f, p, textInput(obj, key, p, { area: true }));
      case 'int': case 'num': case 'years':
        return fieldBox(f, p, textInput(obj, key, p, { inputmode: f.t === 'num' ? 'decimal' : 'numeric' }));
      case 'select': return fieldBox(f, p, selectInput(f, obj, key, p));
      case 'ref': return fieldBox(f, p, textInput(obj, key, p, { list: 'ids-' + f.ref }));
      case 'refs': return refsField(f, obj, key, p);
      case 'nums': return numsField(f, obj, key, p);
      case 'shares': return sharesField(f, obj, key, p);
      case 'weights': return weightsField(f, obj, key, p);
      case 'cumulative': return cumulativeField(f, obj, key, p);
      case 'floor': return floorField(f, obj, key, p);
      case 'object': return groupField(f, obj, key, p, function (o) { return renderFields(f.fields, o, p); });
      case 'price': return groupField(f, obj, key, p, function (o) { return renderUnion(SPEC.price, o, p, true); });
      case 'list': return listField(f, obj, key, p);
      default: return fieldBox(f, p, rawInput(obj, key, p));
    }
  }

  function groupField(f, obj, key, p, inner) {
    var on = obj[key] !== undefined;
    var box = h('fieldset', { 'class': 'group', 'data-path': p });
    var legend = h('legend', null);
    if (f.opt) {
      legend.appendChild(h('label', null, h('input', { type: 'checkbox', 'data-input': p + '.on', checked: on,
        onchange: function (e) {
          if (e.target.checked) { obj[key] = {}; } else { delete obj[key]; }
          changed(); render();
        } }), ' ' + f.l));
    } else { legend.textContent = f.l; }
    box.appendChild(legend);
    if (on) {
      if (!isObj(obj[key])) { box.appendChild(rawInput(obj, key, p)); }
      else { box.appendChild(inner(obj[key])); }
    }
    return box;
  }

  function extrasBox(fields, obj, path, skip) {
    var known = fields.map(function (f) { return f.k; });
    if (skip) { known.push(skip); }
    var extra = Object.keys(obj).filter(function (k) { return known.indexOf(k) < 0; });
    if (!extra.length) { return null; }
    return h('div', { 'class': 'extras' }, h('div', { 'class': 'muted', text: T.other_fields }),
      extra.map(function (k) {
        return h('div', { 'class': 'field', 'data-path': join(path, k) },
          h('code', { text: k + ': ' }), h('code', { text: JSON.stringify(obj[k]) }),
          h('button', { type: 'button', 'class': 'small', text: T.remove, onclick: function () {
            delete obj[k]; changed(); render();
          } }));
      }));
  }

  function renderFields(fields, obj, path) {
    var frag = h('div', { 'class': 'fields' });
    var section = null;
    fields.forEach(function (f) {
      var el = renderField(f, obj, path);
      if (f.section) {
        section = h('section', { 'class': 'part', id: 'part-' + f.k }, h('h2', { text: f.section }));
        frag.appendChild(section);
      }
      (section || frag).appendChild(el);
    });
    var ex = extrasBox(fields, obj, path);
    if (ex) { frag.appendChild(ex); }
    return frag;
  }

  function renderUnion(u, obj, path, optionalGroup) {
    var disc = u.disc;
    var cur = str(obj[disc]);
    var box = h('div', { 'class': 'union' });
    var sel = h('select', { 'data-input': join(path, disc), name: join(path, disc), onchange: function (e) {
      var keep = {};
      ['id', 'name'].forEach(function (k) { if (obj[k] !== undefined) { keep[k] = obj[k]; } });
      Object.keys(obj).forEach(function (k) { delete obj[k]; });
      Object.keys(keep).forEach(function (k) { obj[k] = keep[k]; });
      obj[disc] = e.target.value;
      changed(); render();
    } });
    sel.appendChild(h('option', { value: '', text: T.choose }));
    var known = false;
    u.labels.forEach(function (l) {
      var o = h('option', { value: l[0], text: l[1] + ' (' + l[0] + ')' });
      if (l[0] === cur) { o.selected = true; known = true; }
      sel.appendChild(o);
    });
    if (cur && !known) { sel.appendChild(h('option', { value: cur, text: cur, selected: true })); }
    box.appendChild(h('div', { 'class': 'field t-select', 'data-path': join(path, disc) },
      h('label', { text: T[disc] || disc }), sel));
    var fields = u.variants[cur] || [];
    box.appendChild(renderFields(fields, obj, path));
    // renderFields reported the discriminator as an extra field: drop that line
    var ex = box.querySelector('.extras [data-path="' + join(path, disc) + '"]');
    if (ex) {
      var parent = ex.parentNode;
      parent.removeChild(ex);
      if (parent.querySelectorAll('[data-path]').length === 0) { parent.parentNode.removeChild(parent); }
    }
    return box;
  }

  function itemSpec(f) {
    if (f.item.ref_spec === 'price') { return { union: SPEC.price }; }
    return f.item;
  }

  function listField(f, obj, key, p) {
    var box = h('div', { 'class': 'list', 'data-path': p });
    if (!f.section) { box.appendChild(h('h3', { text: f.l })); }
    var arr = obj[key];
    if (arr !== undefined && !Array.isArray(arr)) {
      box.appendChild(rawInput(obj, key, p));
      return box;
    }
    var spec = itemSpec(f);
    (arr || []).forEach(function (item, i) {
      var ip = idx(p, i);
      var title = f.item_label + ' ' + (i + 1);
      if (isObj(item) && item.id) { title += ' · ' + str(item.id); }
      if (isObj(item) && item.name) { title += ' · ' + str(item.name); }
      var card = h('div', { 'class': 'item', 'data-path': ip },
        h('div', { 'class': 'item-head' }, h('strong', { text: title }),
          h('span', { 'class': 'item-actions' },
            i > 0 ? h('button', { type: 'button', 'class': 'small', text: '↑', title: T.up, 'aria-label': T.up,
              onclick: function () { arr.splice(i - 1, 0, arr.splice(i, 1)[0]); changed(); render(); } }) : null,
            i < arr.length - 1 ? h('button', { type: 'button', 'class': 'small', text: '↓', title: T.down, 'aria-label': T.down,
              onclick: function () { arr.splice(i + 1, 0, arr.splice(i, 1)[0]); changed(); render(); } }) : null,
            h('button', { type: 'button', 'class': 'small danger remove', text: T.remove + ' ×',
              'data-remove': ip, onclick: function () { arr.splice(i, 1); changed(); render(); } }))));
      if (!isObj(item)) {
        card.appendChild(rawInput(arr, i, ip));
      } else if (spec.union) {
        card.appendChild(renderUnion(spec.union, item, ip));
      } else {
        card.appendChild(renderFields(spec.fields, item, ip));
      }
      box.appendChild(card);
    });
    var add = h('div', { 'class': 'add' });
    if (spec.union) {
      var choice = h('select', { 'data-add-kind': p },
        spec.union.labels.map(function (l) { return h('option', { value: l[0], text: l[1] }); }));
      add.appendChild(choice);
      add.appendChild(h('button', { type: 'button', 'data-add': p, text: '+ ' + f.add, onclick: function () {
        var o = {}; o[spec.union.disc] = choice.value;
        if (!Array.isArray(obj[key])) { obj[key] = []; }
        obj[key].push(o); changed(); render(p + '[' + (obj[key].length - 1) + ']');
      } }));
    } else {
      add.appendChild(h('button', { type: 'button', 'data-add': p, text: '+ ' + f.add, onclick: function () {
        if (!Array.isArray(obj[key])) { obj[key] = []; }
        obj[key].push({}); changed(); render(p + '[' + (obj[key].length - 1) + ']');
      } }));
    }
    box.appendChild(add);
    return box;
  }

  // ---- errors next to their fields ----------------------------------------------------
  function parent(path) {
    if (/\]$/.test(path)) { return path.replace(/\[\d+\]$/, ''); }
    var i = path.lastIndexOf('.');
    return i < 0 ? '' : path.slice(0, i);
  }
  function placeErrors() {
    errors.forEach(function (err, n) {
      var p = err.path || '';
      var el = null;
      while (p) {
        el = root.querySelector('[data-path="' + cssEscape(p) + '"]');
        if (el) { break; }
        p = parent(p);
      }
      if (!el) { return; }
      el.classList.add('has-error');
      var msg = h('div', { 'class': 'field-error', role: 'alert', id: 'error-' + n, 'data-error-path': err.path, text: err.message });
      var label = el.querySelector(':scope > label, :scope > legend, :scope > h3, :scope > .item-head');
      if (label && label.nextSibling) { el.insertBefore(msg, label.nextSibling); } else { el.appendChild(msg); }
    });
  }
  function cssEscape(s) { return window.CSS && CSS.escape ? CSS.escape(s) : s.replace(/"/g, '\\"'); }

  // ---- render, keeping the focus -------------------------------------------------------
  var firstRender = true;
  function render(focusPath) {
    var active = document.activeElement && document.activeElement.getAttribute && document.activeElement.getAttribute('data-input');
    refreshLists();
    refreshers = [];
    root.textContent = '';
    root.appendChild(renderFields(SPEC.contract, state, ''));
    if (firstRender) { placeErrors(); firstRender = false; }
    var target = null;
    if (focusPath) {
      var item = root.querySelector('[data-path="' + cssEscape(focusPath) + '"]');
      if (item) { target = item.querySelector('input, select, textarea'); item.scrollIntoView({ block: 'nearest' }); }
    } else if (active) {
      target = root.querySelector('[data-input="' + cssEscape(active) + '"]');
    }
    if (target) { target.focus(); }
  }

  // ---- serialization: JSON with exact numbers ------------------------------------------
  var PLAIN = /^-?(0|[1-9]\d*)(\.\d+)?$/;
  var INT = /^-?\d+$/;
  function q(v) { return JSON.stringify(v); }
  function scalar(v) {
    if (v === undefined || v === null) { return undefined; }
    if (isObj(v) && v.__raw__ !== undefined) { return JSON.stringify(v.__raw__); }
    if (typeof v !== 'string') { return JSON.stringify(v); }
    return v === '' ? undefined : q(v);
  }
  function number(v, integer) {
    if (v === undefined || v === null) { return undefined; }
    if (isObj(v) && v.__raw__ !== undefined) { return JSON.stringify(v.__raw__); }
    if (typeof v === 'number') { return String(v); }
    if (typeof v !== 'string') { return JSON.stringify(v); }
    var s = v.trim();
    if (s === '') { return undefined; }
    if (integer && INT.test(s)) { return String(BigInt(s)); }
    if (!integer && PLAIN.test(s)) { return s; }
    return q(s);
  }
  function ser(f, v) {
    if (v === undefined) { return undefined; }
    if (isObj(v) && v.__raw__ !== undefined) { return JSON.stringify(v.__raw__); }
    switch (f.t) {
      case 'int': return number(v, true);
      case 'num': return number(v, false);
      case 'years': return (typeof v === 'string' && /^\s*\d+\s*$/.test(v)) ? String(parseInt(v, 10)) : scalar(v);
      case 'text': case 'textarea': case 'select': case 'ref': return scalar(v);
      case 'refs':
        if (!Array.isArray(v)) { return scalar(v); }
        return v.length ? '[' + v.map(function (x) { return q(str(x)); }).join(',') + ']' : undefined;
      case 'nums':
        if (!Array.isArray(v)) { return number(v, false); }
        return v.length ? '[' + v.map(function (x) { return number(x, false) || '""'; }).join(',') + ']' : undefined;
      case 'shares': case 'weights':
        if (!isObj(v)) { return scalar(v); }
        if (Object.prototype.hasOwnProperty.call(v, 'from_equity')) { return '{"from_equity":' + (scalar(v.from_equity) || '""') + '}'; }
        var parts = Object.keys(v).filter(function (k) { return str(v[k]).trim() !== ''; })
          .map(function (k) { return q(k) + ':' + number(v[k], false); });
        return parts.length ? '{' + parts.join(',') + '}' : undefined;
      case 'cumulative': return v === 'pre_relocation_total' ? q(v) : number(v, false);
      case 'floor':
        if (isObj(v)) { return serObject([{ k: 'rate', t: 'num' }, { k: 'of', t: 'text' }], v); }
        return number(v, false);
      case 'object': return isObj(v) ? serObject(f.fields, v) : scalar(v);
      case 'price': return isObj(v) ? serUnion(SPEC.price, v) : scalar(v);
      case 'list':
        if (!Array.isArray(v)) { return scalar(v); }
        if (!v.length) { return undefined; }
        var spec = itemSpec(f);
        return '[' + v.map(function (item) {
          if (!isObj(item)) { return scalar(item) || 'null'; }
          return spec.union ? serUnion(spec.union, item) : serObject(spec.fields, item);
        }).join(',') + ']';
      default: return JSON.stringify(v);
    }
  }
  function serObject(fields, obj, first) {
    var out = first ? [first] : [];
    var known = {};
    fields.forEach(function (f) {
      known[f.k] = true;
      var s = ser(f, obj[f.k]);
      if (s !== undefined) { out.push(q(f.k) + ':' + s); }
    });
    Object.keys(obj).forEach(function (k) {
      if (known[k] || (first && first.indexOf(q(k) + ':') === 0)) { return; }
      if (obj[k] === undefined) { return; }
      out.push(q(k) + ':' + (isObj(obj[k]) && obj[k].__raw__ !== undefined ? JSON.stringify(obj[k].__raw__) : JSON.stringify(obj[k])));
    });
    return '{' + out.join(',') + '}';
  }
  function serUnion(u, obj) {
    var d = obj[u.disc];
    var first = d === undefined || d === '' ? null : q(u.disc) + ':' + JSON.stringify(d);
    return serObject(u.variants[str(d)] || [], obj, first);
  }
  function serialize() { return serObject(SPEC.contract, state); }
  window.sharingForm = { serialize: serialize, state: function () { return state; } };

  // ---- submitting ------------------------------------------------------------------------
  var post = document.getElementById('contract-post');
  if (post) {
    post.addEventListener('submit', function () {
      post.querySelector('input[name="document"]').value = serialize();
      saveDraft();
    });
  }
  Array.prototype.forEach.call(document.querySelectorAll('a.lang-switch'), function (a) {
    a.addEventListener('click', function (e) {
      saveDraft();
      e.preventDefault();
      var url = new URL(a.href, window.location.href);
      url.searchParams.set('restore', '1');
      window.location.href = url.toString();
    });
  });
  Array.prototype.forEach.call(document.querySelectorAll('[data-jump]'), function (a) {
    a.addEventListener('click', function (e) {
      var el = root.querySelector('[data-error-path="' + cssEscape(a.getAttribute('data-jump')) + '"]');
      if (el) {
        e.preventDefault();
        el.scrollIntoView({ block: 'center' });
        var input = el.parentNode.querySelector('input, select, textarea');
        if (input) { input.focus(); }
      }
    });
  });
  render();
  if (errors.length) {
    var first = root.querySelector('.field-error');
    if (first) { first.scrollIntoView({ block: 'center' }); }
  }
  saveDraft();
}());
