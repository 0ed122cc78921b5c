// Crumbless agent inbox. Plain script, no inline code (the page's CSP allows
// only this file). The session token lives in sessionStorage: no cookies.
// Text from visitors is always set with textContent, in an element with
// dir="auto" (or a <bdi>): an Arabic message takes its own direction in this
// English page, and its punctuation stays where its writer put it.
'use strict';
(function () {
  const KEY = 'crumbless-agent-session';
  const $ = (id) => document.getElementById(id);
  const state = { token: '', agent: '', conversations: new Map(), current: 0, lastEventId: 0, abort: null, submissions: [] };

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  // content is el for text from visitors, agents or forms: its direction is
  // its own (dir="auto"), not the page's.
  function content(tag, cls, text) {
    const e = el(tag, cls, text);
    e.dir = 'auto';
    return e;
  }
  function time(ms) { return new Date(ms).toLocaleString(); }
  function randomId() {
    const b = new Uint8Array(16);
    crypto.getRandomValues(b);
    return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  }
  function setStatus(text) { $('status').textContent = text; }

  async function api(method, path, body) {
    const opts = { method, headers: { Authorization: 'Bearer ' + state.token } };
    if (body !== undefined) {
      opts.headers['Content-Type'] = 'application/json';
      opts.body = JSON.stringify(body);
    }
    const res = await fetch(path, opts);
    if (res.status === 401) { logout(); throw new Error('session ended'); }
    const data = res.status === 204 ? null : await res.json();
    if (!res.ok) throw new Error((data && data.error) || res.statusText);
    return data;
  }

  // ---------- login ----------
  async function login(ev) {
    ev.preventDefault();
    $('login-error').textContent = '';
    const name = $('login-name').value, password = $('login-password').value;
    try {
      const res = await fetch('/api/v1/agent/sessions', {
        method: 'POST',
        headers: { Authorization: 'Basic ' + btoa(unescape(encodeURIComponent(name + ':' + password))) },
      });
      const data = await res.json();
      if (!res.ok) throw new Error(data.error || res.statusText);
      sessionStorage.setItem(KEY, JSON.stringify({ token: data.token, agent: data.agent }));
      $('login-password').value = '';
      start(data.token, data.agent);
    } catch (e) {
      $('login-error').textContent = e.message;
    }
  }

  function logout() {
    if (state.abort) state.abort.abort();
    if (state.token) fetch('/api/v1/agent/sessions', { method: 'DELETE', headers: { Authorization: 'Bearer ' + state.token } }).catch(() => {});
    sessionStorage.removeItem(KEY);
    state.token = '';
    $('inbox-view').hidden = true;
    $('login-view').hidden = false;
  }

  async function start(token, agent) {
    state.token = token;
    state.agent = agent;
    $('agent-name').textContent = agent;
    $('login-view').hidden = true;
    $('inbox-view').hidden = false;
    try {
      const data = await api('GET', '/api/v1/agent/conversations');
      state.conversations.clear();
      for (const c of data.conversations) state.conversations.set(c.id, c);
      for (const c of data.conversations) if (c.last && c.last.id > state.lastEventId) state.lastEventId = c.last.id;
      renderList();
      await loadSubmissions();
      stream();
    } catch (e) { setStatus(e.message); }
  }

  // ---------- conversation list ----------
  function renderList() {
    const list = $('conversation-list');
    const sorted = Array.from(state.conversations.values()).sort((a, b) => b.updated - a.updated || b.id - a.id);
    list.replaceChildren();
    for (const c of sorted) {
      const li = el('li');
      const b = el('button');
      b.type = 'button';
      b.dataset.id = String(c.id);
      b.setAttribute('aria-current', String(c.id === state.current));
      b.append(el('strong', '', 'Visitor #' + c.id));
      if (c.unread > 0) {
        const badge = el('span', 'badge', String(c.unread));
        badge.setAttribute('aria-label', c.unread + ' unread');
        b.append(badge);
      }
      if (c.banned) b.append(el('span', 'banned', ' banned: ' + c.banned));
      const preview = el('span', 'preview', c.last ? (c.last.author === 'agent' ? 'You: ' : '') : 'No messages yet');
      if (c.last) preview.append(el('bdi', '', c.last.body));
      b.append(preview);
      b.addEventListener('click', () => open(c.id));
      li.append(b);
      list.append(li);
    }
    $('no-conversations').hidden = sorted.length > 0;
  }

  // ---------- transcript ----------
  function renderMessage(m) {
    if (document.querySelector('#transcript li[data-id="' + m.id + '"]')) return;
    const li = el('li', m.author);
    li.dataset.id = String(m.id);
    const meta = el('small');
    if (m.author === 'agent' && m.agent) meta.append(el('bdi', '', m.agent));
    else meta.append(m.author === 'agent' ? 'agent' : 'visitor');
    meta.append(' · ' + time(m.created));
    li.append(meta, content('div', 'body', m.body));
    $('transcript').append(li);
    li.scrollIntoView({ block: 'end' });
  }

  function renderBan(c) {
    $('ban-open').hidden = !!c.banned;
    $('unban').hidden = !c.banned;
    let note = c.banned ? 'Banned (' + c.banned + ')' : '';
    if (c.network) note += (note ? '; ' : '') + 'network blocked until ' + time(c.network.expires);
    $('banned-note').textContent = note;
  }

  async function open(id) {
    state.current = id;
    $('pick').hidden = true;
    $('conversation').hidden = false;
    $('conversation-title').textContent = 'Visitor #' + id;
    $('typing').textContent = '';
    $('transcript').replaceChildren();
    try {
      const data = await api('GET', '/api/v1/agent/conversations/' + id + '?limit=500');
      state.conversations.set(id, data.conversation);
      renderBan(data.conversation);
      for (const m of data.messages) renderMessage(m);
      await markRead(data.messages);
    } catch (e) { setStatus(e.message); }
    renderList();
  }

  async function markRead(messages) {
    const c = state.conversations.get(state.current);
    if (!c || !messages.length || document.hidden) return;
    const last = messages[messages.length - 1].id;
    if (last <= c.read) return;
    const data = await api('POST', '/api/v1/agent/conversations/' + state.current + '/read', { message: last });
    state.conversations.set(state.current, data.conversation);
    renderList();
  }

  async function reply(ev) {
    ev.preventDefault();
    const box = $('reply');
    const body = box.value;
    if (!body.trim() || !state.current) return;
    try {
      const data = await api('POST', '/api/v1/agent/conversations/' + state.current + '/messages', { id: randomId(), body });
      box.value = '';
      renderMessage(data.message);
    } catch (e) { setStatus(e.message); }
  }

  let typingTimer = 0;
  function typing() {
    if (!state.current || typingTimer) return;
    api('POST', '/api/v1/agent/conversations/' + state.current + '/typing', { typing: true }).catch(() => {});
    typingTimer = setTimeout(() => { typingTimer = 0; }, 3000);
  }

  // The ban dialog: the reason, and whether to block the visitor's network
  // too (for how many days) or only their token.
  function openBanDialog() {
    if (!state.current) return;
    $('ban-error').textContent = '';
    $('ban-scope-visitor').checked = true;
    syncBanScope();
    $('ban-dialog').showModal();
  }
  function syncBanScope() { $('ban-days').disabled = !$('ban-scope-network').checked; }

  async function ban(ev) {
    ev.preventDefault();
    if (!state.current) return;
    const body = { reason: $('ban-reason').value };
    if ($('ban-scope-network').checked) { body.network = true; body.days = Number($('ban-days').value); }
    try {
      const data = await api('POST', '/api/v1/agent/conversations/' + state.current + '/ban', body);
      state.conversations.set(state.current, data.conversation);
      renderBan(data.conversation);
      renderList();
      $('ban-dialog').close();
      $('unban').focus();
    } catch (e) { $('ban-error').textContent = e.message; }
  }

  async function unban() {
    if (!state.current) return;
    try {
      const data = await api('DELETE', '/api/v1/agent/conversations/' + state.current + '/ban');
      state.conversations.set(state.current, data.conversation);
      renderBan(data.conversation);
      renderList();
      $('ban-open').focus();
    } catch (e) { setStatus(e.message); }
  }

  // ---------- data: export and erasure ----------
  async function exportData() {
    if (!state.current) return;
    const id = state.current;
    try {
      const data = await api('GET', '/api/v1/agent/conversations/' + id + '/export');
      const url = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' }));
      const a = el('a');
      a.href = url;
      a.download = 'crumbless-conversation-' + id + '.json';
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10000);
    } catch (e) { setStatus(e.message); }
  }

  function openEraseDialog() {
    if (!state.current) return;
    $('erase-error').textContent = '';
    $('erase-dialog').showModal();
  }

  async function erase(ev) {
    ev.preventDefault();
    if (!state.current) return;
    const id = state.current;
    try {
      await api('DELETE', '/api/v1/agent/conversations/' + id);
      $('erase-dialog').close();
      forgetConversation(id);
      setStatus('Conversation #' + id + ' erased');
    } catch (e) { $('erase-error').textContent = e.message; }
  }

  // forgetConversation drops an erased conversation (here or by anyone)
  // and its form submissions from the page.
  function forgetConversation(id) {
    state.conversations.delete(id);
    state.submissions = state.submissions.filter((s) => s.conversation !== id);
    if (state.current === id) {
      state.current = 0;
      $('conversation').hidden = true;
      $('pick').hidden = false;
    }
    renderList();
    renderSubmissions();
  }

  // ---------- submissions ----------
  async function loadSubmissions() {
    const data = await api('GET', '/api/v1/agent/submissions');
    state.submissions = data.submissions;
    renderSubmissions();
  }

  function renderSubmissions() {
    const list = $('submission-list');
    list.replaceChildren();
    for (const s of state.submissions) {
      const li = el('li');
      li.append(content('strong', '', s.form), el('small', '', ' · ' + time(s.created) + (s.conversation ? ' · visitor #' + s.conversation : '')));
      const dl = el('dl');
      for (const [k, v] of Object.entries(s.fields)) dl.append(content('dt', '', k), content('dd', '', v));
      li.append(dl);
      list.append(li);
    }
    $('no-submissions').hidden = state.submissions.length > 0;
    $('tab-submissions').textContent = 'Form submissions (' + state.submissions.length + ')';
  }

  function tab(which) {
    const subs = which === 'submissions';
    $('conversations-pane').hidden = subs;
    $('submissions-pane').hidden = !subs;
    $('tab-conversations').setAttribute('aria-pressed', String(!subs));
    $('tab-submissions').setAttribute('aria-pressed', String(subs));
  }

  // ---------- events: fetch-based SSE with the Authorization header ----------
  function handle(name, data, id) {
    if (id) state.lastEventId = Math.max(state.lastEventId, id);
    if (name === 'message') {
      if (data.conversation === state.current) {
        renderMessage(data);
        if (data.author === 'visitor') { $('typing').textContent = ''; markRead([data]).catch(() => {}); }
      }
    } else if (name === 'conversation') {
      // Events carry no network ban (the conversation's own answers do):
      // keep the one known while the visitor stays banned.
      const prev = state.conversations.get(data.id);
      if (prev && prev.network && data.banned) data.network = prev.network;
      state.conversations.set(data.id, data);
      if (data.id === state.current) renderBan(data);
      renderList();
    } else if (name === 'typing') {
      if (data.conversation === state.current) $('typing').textContent = data.typing ? 'Visitor is typing…' : '';
    } else if (name === 'submission') {
      state.submissions.unshift(data);
      renderSubmissions();
    } else if (name === 'erased') {
      forgetConversation(data.conversation);
    }
  }

  async function stream() {
    let delay = 1000;
    while (state.token) {
      state.abort = new AbortController();
      try {
        const headers = { Authorization: 'Bearer ' + state.token, Accept: 'text/event-stream' };
        // From the newest message the list showed (0: all), so nothing stored
        // between the list and the stream is missed.
        headers['Last-Event-ID'] = String(state.lastEventId);
        const res = await fetch('/api/v1/agent/events', { headers, signal: state.abort.signal, cache: 'no-store' });
        if (res.status === 401) { logout(); return; }
        if (!res.ok || !res.body) throw new Error('stream: ' + res.status);
        setStatus('live');
        delay = 1000;
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buf = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buf += value;
          let cut;
          while ((cut = buf.indexOf('\n\n')) >= 0) {
            const block = buf.slice(0, cut);
            buf = buf.slice(cut + 2);
            let name = 'message', data = '', id = 0;
            for (const line of block.split('\n')) {
              if (line.startsWith('event: ')) name = line.slice(7);
              else if (line.startsWith('data: ')) data += line.slice(6);
              else if (line.startsWith('id: ')) id = Number(line.slice(4));
            }
            if (data) handle(name, JSON.parse(data), id);
          }
        }
      } catch (e) {
        if (!state.token) return;
      }
      setStatus('reconnecting…');
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 15000);
    }
  }

  document.addEventListener('DOMContentLoaded', () => {
    $('login-form').addEventListener('submit', login);
    $('reply-form').addEventListener('submit', reply);
    $('reply').addEventListener('input', typing);
    $('ban-open').addEventListener('click', openBanDialog);
    $('ban-form').addEventListener('submit', ban);
    $('ban-cancel').addEventListener('click', () => $('ban-dialog').close());
    $('ban-scope-visitor').addEventListener('change', syncBanScope);
    $('ban-scope-network').addEventListener('change', syncBanScope);
    $('unban').addEventListener('click', unban);
    $('export').addEventListener('click', exportData);
    $('erase-open').addEventListener('click', openEraseDialog);
    $('erase-form').addEventListener('submit', erase);
    $('erase-cancel').addEventListener('click', () => $('erase-dialog').close());
    $('logout').addEventListener('click', logout);
    $('tab-conversations').addEventListener('click', () => tab('conversations'));
    $('tab-submissions').addEventListener('click', () => tab('submissions'));
    // Leaving the page (also into the back/forward cache) ends the stream at
    // once, so visitors see the team go offline after the grace period; the
    // reconnect loop resumes it if the page comes back.
    window.addEventListener('pagehide', () => { if (state.abort) state.abort.abort(); });
    document.addEventListener('visibilitychange', () => {
      if (!document.hidden && state.current) open(state.current);
    });
    const saved = sessionStorage.getItem(KEY);
    if (saved) {
      try { const s = JSON.parse(saved); start(s.token, s.agent); return; } catch (e) { sessionStorage.removeItem(KEY); }
    }
    $('login-view').hidden = false;
  });
})();
