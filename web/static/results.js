/* Drill-down on the results page: clicking an amount lists its ledger entries and their
 * `why` in a dialog, from the ledger embedded in the page (the link still works without
 * scripts: it opens the entries page). */
(function () {
  'use strict';
  var dialog = document.getElementById('drill');
  if (!dialog || typeof dialog.showModal !== 'function' || !window.fetch) { return; }
  var entries = null;  // fetched on the first click: the page itself stays small
  function ledger() {
    if (entries) { return Promise.resolve(entries); }
    return fetch(dialog.getAttribute('data-ledger'), { credentials: 'same-origin' })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (data) { entries = data; return data; });
  }
  var L = JSON.parse(document.getElementById('ledger-labels').textContent);
  var lang = document.documentElement.lang === 'zh-CN' ? 'zh-CN' : 'en';

  function fen(text) {  // "−1234.50" -> BigInt fen, exact
    var neg = text.charAt(0) === '-';
    var parts = text.replace('-', '').split('.');
    var v = BigInt(parts[0]) * 100n + BigInt((parts[1] || '0').padEnd(2, '0').slice(0, 2));
    return neg ? -v : v;
  }
  function yuan(v) {
    var neg = v < 0n; if (neg) { v = -v; }
    var whole = (v / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
    var cents = (v % 100n).toString().padStart(2, '0');
    return (neg ? '-' : '') + whole + '.' + cents;
  }
  function cell(text, cls) {
    var td = document.createElement('td');
    td.textContent = text;
    if (cls) { td.className = cls; }
    return td;
  }

  document.addEventListener('click', function (e) {
    var a = e.target.closest ? e.target.closest('a.drill') : null;
    if (!a) { return; }
    e.preventDefault();
    ledger().then(function () { show(a); }, function () { window.location.href = a.href; });
  });

  function show(a) {
    var party = a.getAttribute('data-party');
    var year = a.getAttribute('data-year');
    var kind = a.getAttribute('data-kind');
    var rows = entries.filter(function (x) {
      return x.party === party && (!year || String(x.year) === year) && (!kind || x.kind === kind);
    });
    var title = (L.parties[party] || party) + (year ? ' · ' + year : '') +
      (kind ? ' · ' + (L.kinds[kind] || kind) : '') + ' — ' + L.entries;
    dialog.querySelector('#drill-title').textContent = title;
    var body = dialog.querySelector('tbody');
    body.textContent = '';
    var total = 0n;
    rows.forEach(function (x) {
      var tr = document.createElement('tr');
      var c = cell(x.clause_name || x.clause || '—'); if (x.clause) c.title = x.clause;
      tr.appendChild(c);
      var st = cell(x.stream_name || x.stream || '—'); if (x.stream) st.title = x.stream;
      tr.appendChild(st);
      tr.appendChild(cell(L.kinds[x.kind] || x.kind));
      tr.appendChild(cell(yuan(fen(x.amount)), 'num'));
      tr.appendChild(cell(x.why, 'why'));
      body.appendChild(tr);
      total += fen(x.amount);
    });
    if (!rows.length) {
      var tr = document.createElement('tr');
      var td = cell(L.none, 'muted'); td.colSpan = 5; tr.appendChild(td); body.appendChild(tr);
    }
    dialog.querySelector('tfoot td.num').textContent = yuan(total);
    dialog.setAttribute('data-lang', lang);
    dialog.showModal();
  }
}());
