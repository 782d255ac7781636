// The pages' small script: forms marked data-api send their fields to the archive's API (the same endpoints, rules and
// events as API clients use) with the page's antiforgery token, and show each field's error beside the field.
(function () {
  'use strict';
  const en = document.documentElement.lang === 'en';
  const token = (form) => {
    const input = (form && form.querySelector('input[name="__RequestVerificationToken"]')) || document.querySelector('input[name="__RequestVerificationToken"]');
    return input ? input.value : '';
  };
  const pick = (o, base) => (o && (en ? o[base + '_en'] : o[base + '_vi'])) || (o && o[base]) || '';

  function body(form) {
    const data = {};
    for (const el of form.elements) {
      if (!el.name || el.name === '__RequestVerificationToken' || el.disabled) continue;
      if (el.type === 'checkbox') { if (el.dataset.list !== undefined) { if (el.checked) (data[el.name] = data[el.name] || []).push(el.value); } else data[el.name] = el.checked; continue; }
      if (el.type === 'radio') { if (el.checked) data[el.name] = el.value === 'true' ? true : el.value === 'false' ? false : el.value; continue; }
      if (el.type === 'file') continue;
      if (el.multiple && el.tagName === 'SELECT') { data[el.name] = Array.from(el.selectedOptions).map(o => o.value); continue; }
      const v = el.value.trim();
      if (v === '') continue;
      if (el.dataset.items !== undefined) {
        // One record a line: "kind code: reason"
        data[el.name] = v.split('\n').map(l => l.trim()).filter(Boolean).map(l => {
          const m = l.match(/^(\S+)\s+([^:]+?)(?::\s*(.*))?$/);
          return m ? { kind: m[1], code: m[2].trim(), reason: m[3] || '' } : { kind: '', code: l, reason: '' };
        });
        continue;
      }
      data[el.name] = el.type === 'number' ? Number(v) : v;
    }
    return data;
  }

  function clear(form) {
    form.querySelectorAll('[data-error-for]').forEach(e => { e.textContent = ''; });
    form.querySelectorAll('.invalid').forEach(e => e.classList.remove('invalid'));
    const p = form.querySelector('.form-problem'); if (p) { p.textContent = ''; p.hidden = true; }
  }

  function showProblem(form, problem, status) {
    const box = form.querySelector('.form-problem');
    const errors = (problem && problem.errors) || [];
    const unplaced = [];
    for (const e of errors) {
      const slot = form.querySelector('[data-error-for="' + CSS.escape(e.field) + '"]');
      const text = pick(e, 'message');
      if (slot) { slot.textContent = text; const input = form.querySelector('[name="' + CSS.escape(e.field) + '"]'); if (input) input.classList.add('invalid'); }
      else unplaced.push(text);
    }
    if (box) {
      const title = pick(problem, 'title') || ('HTTP ' + status);
      const detail = pick(problem, 'detail');
      box.textContent = [title + (detail ? ': ' + detail : ''), ...unplaced].join('\n');
      box.hidden = false;
    }
  }

  function fill(template, json) {
    return template.replace(/\{(\w+)\}/g, (_, k) => encodeURIComponent(json && json[k] !== undefined ? json[k] : ''));
  }

  async function save(response, fallbackName) {
    const blob = await response.blob();
    const cd = response.headers.get('Content-Disposition') || '';
    const m = cd.match(/filename\*?=(?:UTF-8'')?"?([^";]+)"?/i);
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = m ? decodeURIComponent(m[1]) : fallbackName;
    document.body.appendChild(a); a.click(); a.remove();
  }

  document.addEventListener('submit', async (ev) => {
    const form = ev.target;
    if (!(form instanceof HTMLFormElement) || !form.dataset.api) return;
    ev.preventDefault();
    // A form's second button may ask for another answer (e.g. the report as a signed PDF instead of a page).
    const opts = Object.assign({}, form.dataset, (ev.submitter && ev.submitter.dataset) || {});
    if (opts.confirm && !window.confirm(opts.confirm)) return;
    clear(form);
    const headers = { 'RequestVerificationToken': token(form), 'Accept-Language': en ? 'en' : 'vi', 'Accept': opts.accept || 'application/json' };
    if (opts.ifMatch) headers['If-Match'] = '"' + opts.ifMatch + '"';
    let payload;
    const file = form.querySelector('input[type=file]');
    if (opts.body === 'file') {
      if (!file || !file.files.length) { showProblem(form, { title_vi: 'Chưa chọn tệp', title_en: 'No file chosen' }, 400); return; }
      payload = file.files[0];
      headers['Content-Type'] = 'application/pdf';
    } else if ((opts.method || 'POST') !== 'GET' && (opts.method || 'POST') !== 'DELETE') {
      payload = JSON.stringify(body(form));
      headers['Content-Type'] = 'application/json';
    }
    const submit = ev.submitter || form.querySelector('button[type=submit]'); if (submit) submit.disabled = true;
    form.classList.add('busy');
    try {
      const res = await fetch(opts.api, { method: opts.method || 'POST', headers, body: payload, credentials: 'same-origin' });
      const type = res.headers.get('Content-Type') || '';
      if (!res.ok) { showProblem(form, type.includes('json') ? await res.json() : null, res.status); return; }
      if (opts.download !== undefined) { await save(res, opts.download || 'download.pdf'); form.dataset.done = 'downloaded'; return; }
      if (opts.resultFrame) {
        const frame = document.getElementById(opts.resultFrame);
        frame.srcdoc = await res.text(); frame.hidden = false; return;
      }
      const json = type.includes('json') ? await res.json() : null;
      if (opts.result) {
        const out = document.getElementById(opts.result);
        out.hidden = false;
        out.textContent = opts.resultField ? json[opts.resultField] : JSON.stringify(json, null, 2);
        return;
      }
      if (opts.then) window.location.assign(fill(opts.then, json));
      else window.location.reload();
    } catch (e) {
      showProblem(form, { title_vi: 'Không gửi được yêu cầu', title_en: 'The request could not be sent', detail_vi: String(e), detail_en: String(e) }, 0);
    } finally {
      if (submit) submit.disabled = false;
      form.classList.remove('busy');
    }
  });

  // One upload with its own progress bar in a zone's list; resolves with the parsed answer (or null) and whether it was stored.
  function sendFile(zone, url, file) {
    const list = zone.querySelector('.uploads');
    const row = document.createElement('li');
    const bar = document.createElement('progress'); bar.max = 100; bar.value = 0;
    const label = document.createElement('span'); label.className = 'name'; label.textContent = file.name + ' ';
    const state = document.createElement('span'); state.className = 'state';
    row.dataset.file = file.name;
    row.append(label, bar, state); list.append(row);
    const done = new Promise((resolve) => {
      const xhr = new XMLHttpRequest();
      // A dossier's scan zone says its files are scans; a document's own zone leaves it to the record's confidence level.
      xhr.open('POST', url + (url.includes('?') ? '&' : '?') + 'fileName=' + encodeURIComponent(file.name) + (zone.dataset.scan !== undefined ? '&scan=true' : ''));
      xhr.setRequestHeader('RequestVerificationToken', token(zone.closest('section') || document));
      xhr.setRequestHeader('Accept-Language', en ? 'en' : 'vi');
      xhr.setRequestHeader('Content-Type', file.type || 'application/octet-stream');
      xhr.upload.onprogress = (e) => { if (e.lengthComputable) bar.value = Math.round(100 * e.loaded / e.total); };
      xhr.onload = () => {
        let json = null; try { json = JSON.parse(xhr.responseText); } catch { }
        const ok = xhr.status >= 200 && xhr.status < 300;
        if (ok) { bar.value = 100; state.textContent = en ? ' uploaded' : ' đã tải lên'; row.className = 'ok'; }
        else { state.textContent = ' ' + (pick(json, 'detail') || pick(json, 'title') || ('HTTP ' + xhr.status)); row.className = 'failed'; }
        resolve({ ok, json });
      };
      xhr.onerror = () => { state.textContent = en ? ' failed' : ' lỗi'; row.className = 'failed'; resolve({ ok: false, json: null }); };
      xhr.send(file);
    });
    return { row, state, done };
  }

  // A document's upload zone: one file, sent as the document's next version when the person clicks the button (several
  // files dropped here are refused with the way to make one document each: the dossier page's zone).
  for (const zone of document.querySelectorAll('.dropzone[data-upload]:not([data-create])')) {
    const input = zone.querySelector('input[type=file]');
    const start = zone.querySelector('.upload-start');
    const list = zone.querySelector('.uploads');
    let chosen = null;
    const choose = (files) => {
      list.querySelectorAll('li.refused').forEach(li => li.remove());
      if (files.length > 1) {
        const li = document.createElement('li'); li.className = 'failed refused'; li.textContent = zone.dataset.tooMany || '';
        list.append(li); chosen = null; start.disabled = true; return;
      }
      chosen = files[0] || null;
      start.disabled = !chosen;
    };
    zone.addEventListener('dragover', (e) => { e.preventDefault(); zone.classList.add('over'); });
    zone.addEventListener('dragleave', () => zone.classList.remove('over'));
    zone.addEventListener('drop', (e) => { e.preventDefault(); zone.classList.remove('over'); choose(Array.from(e.dataTransfer.files)); });
    input.addEventListener('change', () => choose(Array.from(input.files)));
    start.addEventListener('click', async () => {
      if (!chosen) return;
      start.disabled = true;
      const { done } = sendFile(zone, zone.dataset.upload, chosen);
      const { ok } = await done;
      zone.dataset.done = ok ? 'ok' : 'failed';
      if (ok && zone.dataset.reload !== undefined) window.location.reload(); else start.disabled = false;
    });
  }

  // A dossier's scan zone: several scans dropped at once become one document each (fields shared from the form beside the
  // zone, the subject from the file name until the officer corrects it), each created, then its scan sent, with its progress.
  for (const zone of document.querySelectorAll('.dropzone[data-create]')) {
    const form = document.getElementById(zone.dataset.form);
    const input = zone.querySelector('input[type=file]');
    const run = async (files) => {
      clear(form);
      zone.dataset.done = '';
      let ok = true;
      for (const file of files) {
        const fields = Object.assign(body(form), { subject: file.name.replace(/\.[^.]+$/, '').replace(/[_]+/g, ' ') });
        const res = await fetch(zone.dataset.create, {
          method: 'POST', credentials: 'same-origin', body: JSON.stringify(fields),
          headers: { 'RequestVerificationToken': token(form), 'Accept-Language': en ? 'en' : 'vi', 'Accept': 'application/json', 'Content-Type': 'application/json' },
        });
        const json = (res.headers.get('Content-Type') || '').includes('json') ? await res.json() : null;
        if (!res.ok) {
          // The shared fields are wrong for every file: say so beside them and stop.
          showProblem(form, json, res.status); ok = false; break;
        }
        const sent = sendFile(zone, fill(zone.dataset.upload, json), file);
        const link = document.createElement('a'); link.href = fill(zone.dataset.link, json); link.textContent = (json.filings && json.filings[0] && json.filings[0].documentCode) || json.id;
        sent.row.dataset.document = json.id;
        sent.row.append(' ', link);
        ok = (await sent.done).ok && ok;
      }
      zone.dataset.done = ok ? 'ok' : 'failed';
      if (ok && zone.dataset.reload !== undefined) window.location.reload();
    };
    zone.addEventListener('dragover', (e) => { e.preventDefault(); zone.classList.add('over'); });
    zone.addEventListener('dragleave', () => zone.classList.remove('over'));
    zone.addEventListener('drop', (e) => { e.preventDefault(); zone.classList.remove('over'); run(Array.from(e.dataTransfer.files)); });
    input.addEventListener('change', () => run(Array.from(input.files)));
  }

  // While a scan is being digitized the page asks for its status and reloads itself when it changes (converted, signed, failed).
  for (const watch of document.querySelectorAll('[data-watch]')) {
    const tick = async () => {
      try {
        const r = await fetch(watch.dataset.watch, { headers: { 'Accept': 'application/json' }, credentials: 'same-origin' });
        if (r.ok) { const json = await r.json(); if (json.status !== watch.dataset.status) { window.location.reload(); return; } }
      } catch { }
      setTimeout(tick, 2000);
    };
    setTimeout(tick, 2000);
  }

  // Tables filled from an API list (lists whose query lives in the API feature): data-source and a template row.
  for (const table of document.querySelectorAll('table[data-source]')) {
    const template = table.querySelector('template');
    const tbody = table.querySelector('tbody');
    fetch(table.dataset.source, { headers: { 'Accept': 'application/json', 'Accept-Language': en ? 'en' : 'vi' }, credentials: 'same-origin' })
      .then(r => r.ok ? r.json() : Promise.reject(r.status))
      .then(json => {
        const rows = Array.isArray(json) ? json : (json.items || []);
        for (const item of rows) {
          const row = template.content.firstElementChild.cloneNode(true);
          row.querySelectorAll('[data-field]').forEach(cell => {
            const value = cell.dataset.field.split('.').reduce((o, k) => (o == null ? o : o[k]), item);
            const text = value == null ? '' : (typeof value === 'object' ? JSON.stringify(value) : String(value));
            if (cell.dataset.href) cell.href = fill(cell.dataset.href, item);
            cell.textContent = cell.dataset.lang ? (pick(item, cell.dataset.lang) || text) : text;
          });
          tbody.append(row);
        }
        table.dataset.loaded = String(rows.length);
      })
      .catch(s => { table.dataset.loaded = 'error'; table.insertAdjacentHTML('afterend', '<p class="problem">HTTP ' + s + '</p>'); });
  }
})();
