'use strict';
// Kineto Studio: plain JS against the same /v1 API that scripts use, authenticated by the session cookie.

const $ = id => document.getElementById(id);
let me = null;          // the logged-in account
let tab = 'mine';       // 'mine' or 'feed'
let cursor = null;      // next page of the gallery
let stream = null;      // the EventSource of the job being watched
let watching = null;    // its id
const SETTINGS = ['seconds', 'fps', 'steps', 'cfg'];  // the form's numeric settings, each optional in the API

/** Calls the API; a non-2xx answer throws an Error with the server's message (which says what to fix). */
async function api(method, path, body) {
  const res = await fetch(path, {
    method,
    // The CSRF header: the server takes a session's writes only with it, and no other site can send it.
    headers: body ? {'Content-Type': 'application/json', 'Kineto-CSRF': '1'} : {'Kineto-CSRF': '1'},
    body: body ? JSON.stringify(body) : undefined,
  });
  const data = res.status === 204 ? null : await res.json().catch(() => null);
  if (!res.ok) throw new Error(data?.error?.message || `${res.status} ${res.statusText}`);
  return data;
}

function el(tag, props = {}, ...children) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}

// ---- Session ----

async function start() {
  await fillDefaults();
  try {
    me = await api('GET', '/v1/me');
    showStudio();
  } catch {
    showLogin();
  }
}

/**
 * Starts the form's settings at the served model's defaults and holds them to its ranges and the server's limits,
 * which the server's OpenAPI document gives.
 */
async function fillDefaults() {
  try {
    const fields = (await api('GET', '/openapi.json')).components.schemas.VideoRequest.properties;
    for (const name of SETTINGS) $(name).value = fields[name].default;
    for (const name of [...SETTINGS, 'seed']) $(name).max = fields[name].maximum;
    for (const name of ['prompt', 'negative_prompt']) $(name).maxLength = fields[name].maxLength;
  } catch {
    // Left empty, a setting is left out of the request and the server applies its default.
  }
}

function showLogin() {
  $('login').hidden = false;
  $('studio').hidden = true;
  $('account').hidden = true;
}

function showStudio() {
  $('login').hidden = true;
  $('studio').hidden = false;
  $('account').hidden = false;
  $('who').textContent = me.name;
  $('admin-link').hidden = !me.admin;
  showBalance();
  quote();
  loadGallery(true);
}

function showBalance() {
  $('balance').textContent = `${me.free_credits_left} free + ${me.credits} credits`;
}

async function refreshBalance() {
  me = await api('GET', '/v1/me');
  showBalance();
}

$('login-form').addEventListener('submit', async e => {
  e.preventDefault();
  try {
    me = await api('POST', '/v1/sessions', {username: $('username').value.trim(), api_key: $('api-key').value.trim()});
    $('login-error').textContent = '';
    showStudio();
  } catch (err) {
    $('login-error').textContent = err.message;
  }
});

$('logout').addEventListener('click', async () => {
  await api('DELETE', '/v1/sessions');
  stream?.close();
  showLogin();
});

// ---- Creating ----

/** The form as a POST /v1/videos body. */
function request() {
  const body = {
    prompt: $('prompt').value,
    aspect_ratio: $('aspect_ratio').value,
    quality: $('quality').value,
    shared: $('shared').checked,
  };
  for (const name of SETTINGS) {
    if ($(name).value !== '') body[name] = Number($(name).value);
  }
  if ($('negative_prompt').value.trim()) body.negative_prompt = $('negative_prompt').value;
  if ($('seed').value !== '') body.seed = Number($('seed').value);
  return body;
}

let quoteTimer = null;

/** Shows what the form's video would cost, or what is wrong with the form. */
function quote() {
  clearTimeout(quoteTimer);
  quoteTimer = setTimeout(async () => {
    const body = request();
    if (!body.prompt.trim()) body.prompt = 'price check';
    try {
      const q = await api('POST', '/v1/videos/cost', body);
      $('cost').textContent = `Cost: ${q.cost} credits · ${q.width}×${q.height}, ${q.frames} frames`;
      $('form-error').textContent = '';
    } catch (err) {
      $('cost').textContent = '';
      $('form-error').textContent = err.message;
    }
  }, 150);
}

$('video-form').addEventListener('input', quote);

$('video-form').addEventListener('submit', async e => {
  e.preventDefault();
  $('form-error').textContent = '';
  try {
    const video = await api('POST', '/v1/videos', request());
    if (video.status === 'moderated') {
      $('form-error').textContent = 'This prompt breaks the content policy: it was not queued and cost nothing.';
    } else {
      watch(video);
    }
    await refreshBalance();
    loadGallery(true);
  } catch (err) {
    $('form-error').textContent = err.message;
  }
});

// ---- Live progress ----

function watch(video) {
  stream?.close();
  watching = video.id;
  $('live').hidden = false;
  $('live-prompt').textContent = video.prompt;
  $('preview').hidden = true;
  showProgress(video.progress, video.status, video.queue_position);
  stream = new EventSource(`/v1/videos/${video.id}/events`);
  stream.addEventListener('progress', e => {
    const p = JSON.parse(e.data);
    showProgress(p.progress, p.status);
  });
  stream.addEventListener('preview', e => {
    $('preview').src = JSON.parse(e.data).image;
    $('preview').hidden = false;
  });
  stream.addEventListener('done', async e => {
    const done = JSON.parse(e.data);
    stream.close();
    stream = null;
    watching = null;
    $('live').hidden = true;
    if (done.status === 'succeeded') play(done);
    else $('form-error').textContent = `The video ${done.status}` + (done.error ? `: ${done.error.message}` : '.');
    await refreshBalance();
    loadGallery(true);
  });
}

function showProgress(percent, status, position) {
  $('progress-bar').style.width = `${percent}%`;
  $('live-status').textContent = status === 'queued'
    ? `Queued${position != null ? ` · ${position} ahead` : ''}`
    : `${status[0].toUpperCase()}${status.slice(1)} · ${percent}%`;
}

$('cancel').addEventListener('click', () => {
  if (watching) api('POST', `/v1/videos/${watching}/cancel`).catch(err => { $('form-error').textContent = err.message; });
});

// ---- Gallery and feed ----

async function loadGallery(reset) {
  if (reset) cursor = null;
  const path = `${tab === 'mine' ? '/v1/videos' : '/v1/feed'}?limit=12${cursor ? `&after=${cursor}` : ''}`;
  const page = await api('GET', path);
  if (reset) $('gallery').replaceChildren();
  page.data.forEach(v => $('gallery').append(card(v)));
  if (reset && page.data.length === 0) {
    $('gallery').append(el('p', {className: 'hint', textContent: tab === 'mine' ? 'No videos yet: write a prompt above.' : 'Nobody has shared a video yet.'}));
  }
  cursor = page.next_cursor;
  $('more').hidden = !page.has_more;
}

function card(v) {
  const node = el('article', {className: 'video'});
  node.dataset.id = v.id;
  node.dataset.status = v.status;
  node.append(v.thumbnail_url
    ? el('img', {className: 'thumb', src: v.thumbnail_url, alt: v.prompt, onclick: () => play(v)})
    : el('div', {className: `thumb placeholder ${v.status}`, textContent: v.status}));
  node.append(el('p', {className: 'prompt-text', textContent: v.prompt}));
  node.append(el('p', {className: 'meta', textContent: `${v.width}×${v.height} · ${v.seconds.toFixed(1)} s · seed ${v.seed} · ${v.status}`}));
  const actions = el('div', {className: 'actions'});
  if (v.status === 'succeeded') {
    actions.append(el('button', {className: 'play', textContent: 'Play', onclick: () => play(v)}));
    actions.append(el('a', {className: 'download button', textContent: 'Download', href: v.url, download: `${v.id}.mp4`}));
  }
  if (tab === 'mine' && (v.status === 'queued' || v.status === 'running')) {
    actions.append(el('button', {className: 'watch', textContent: 'Watch', onclick: () => watch(v)}));
  }
  actions.append(el('button', {className: 'remix', textContent: 'Remix', onclick: () => remix(v)}));
  if (tab === 'mine') {
    if (v.status === 'succeeded') {
      const share = el('button', {className: 'share', textContent: v.shared ? 'Unshare' : 'Share'});
      share.onclick = async () => {
        v.shared = (await api('POST', `/v1/videos/${v.id}/share`, {shared: !v.shared})).shared;
        share.textContent = v.shared ? 'Unshare' : 'Share';
      };
      actions.append(share);
    }
    actions.append(el('button', {className: 'delete quiet', textContent: 'Delete', onclick: async () => {
      await api('DELETE', `/v1/videos/${v.id}`);
      node.remove();
      refreshBalance();
    }}));
  }
  node.append(actions);
  return node;
}

function play(v) {
  $('player-card').hidden = false;
  $('player-title').textContent = `Video ${v.id}`;
  $('player').src = v.url;
  $('player-prompt').textContent = v.prompt;
  $('player').play().catch(() => {});
  $('player-card').scrollIntoView({behavior: 'smooth'});
}

/** Reopens the form with the video's prompt and settings, seed included, to make a variation. */
function remix(v) {
  $('prompt').value = v.prompt;
  $('negative_prompt').value = v.negative_prompt;
  $('aspect_ratio').value = v.aspect_ratio;
  $('seconds').value = v.seconds.toFixed(2);
  $('fps').value = v.fps;
  $('steps').value = v.steps;
  $('cfg').value = v.cfg;
  $('seed').value = v.seed;
  quote();
  $('create').scrollIntoView({behavior: 'smooth'});
  $('prompt').focus();
}

function showTab(name) {
  tab = name;
  $('tab-mine').classList.toggle('active', name === 'mine');
  $('tab-feed').classList.toggle('active', name === 'feed');
  loadGallery(true);
}

$('tab-mine').addEventListener('click', () => showTab('mine'));
$('tab-feed').addEventListener('click', () => showTab('feed'));
$('more').addEventListener('click', () => loadGallery(false));

start();
