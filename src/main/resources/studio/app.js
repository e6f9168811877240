'use strict';
// Kineto Studio: plain JS against the same /v1 API that scripts use, authenticated by the session cookie.

const $ = id => document.getElementById(id);
let me = null;          // the logged-in account
let tab = 'mine';       // 'mine' or 'feed'
let cursor = null;      // next page of the gallery
let stream = null;      // the EventSource of the job being watched
let watching = null;    // its id
const SETTINGS = ['seconds', 'fps', 'steps', 'cfg'];  // the form's numeric settings, each optional in the API

/** Calls the API with a JSON body (or none); a non-2xx answer throws an Error with the server's message (which says what to fix). */
function api(method, path, body) {
  return send(method, path, body && 'application/json', body && JSON.stringify(body));
}

/** Sends a file as the raw body with its own Content-Type, as POST /v1/images and /v1/clips take it. */
function upload(path, file) {
  return send('POST', path, file.type, file);
}

async function send(method, path, contentType, body) {
  // The CSRF header: the server takes a session's writes only with it, and no other site can send it.
  const headers = contentType ? {'Content-Type': contentType, 'Kineto-CSRF': '1'} : {'Kineto-CSRF': '1'};
  const res = await fetch(path, {method, headers, body});
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
 * which the server's OpenAPI document gives; the camera and style menus offer what it accepts (the document is their only list).
 */
async function fillDefaults() {
  try {
    const fields = (await api('GET', '/openapi.json')).components.schemas.VideoRequest.properties;
    fillLengths(fields.seconds.default, fields.seconds.maximum);
    for (const name of SETTINGS) $(name).value = fields[name].default;
    for (const name of ['fps', 'steps', 'cfg', 'seed']) $(name).max = fields[name].maximum;
    for (const name of ['prompt', 'negative_prompt']) $(name).maxLength = fields[name].maxLength;
    for (const name of ['camera', 'style']) {
      $(name).replaceChildren($(name).options[0], ...fields[name].enum.map(v => el('option', {value: v, textContent: v})));
    }
  } catch {
    // Left empty, a setting is left out of the request and the server applies its default.
  }
}

/** The length picker: the model's own length, then round lengths up to the server's longest. */
function fillLengths(fallback, longest) {
  const lengths = [...new Set([fallback, 1, 2, 3, 4, 6, 8, 10, 15, 20, 30, 60])].filter(s => s <= longest).sort((a, b) => a - b);
  $('seconds').replaceChildren(...lengths.map(s => el('option', {value: s, textContent: `${s} s${s === fallback ? ' (default)' : ''}`})));
}

/** Selects value in a menu, adding it first where the menu does not offer it (a remixed video's length). */
function pick(select, value) {
  const text = String(value);
  if (![...select.options].some(o => o.value === text)) select.append(el('option', {value: text, textContent: select === $('seconds') ? `${text} s` : text}));
  select.value = text;
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
  showMode(mode());
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

/**
 * What the form's mode needs besides the prompt: the uploaded first (and last) picture, the video to extend, the clip
 * or video to restyle, and the drawn path in output pixels.
 */
const chosen = {image: null, lastImage: null, extend: null, source: null, path: []};
let output = {width: 0, height: 0};  // the size the last quote gave, which the path is drawn in

/** What a mode's video takes from its source, so the form leaves it out: an extension its size and fps, a restyle its length. */
const FROM_SOURCE = {extend: ['aspect_ratio', 'quality', 'fps'], restyle: ['seconds']};

function mode() {
  return document.querySelector('.mode.active').dataset.mode;
}

function showMode(name) {
  document.querySelectorAll('.mode').forEach(b => b.classList.toggle('active', b.dataset.mode === name));
  document.querySelectorAll('.panel').forEach(p => { p.hidden = !p.dataset.modes.split(' ').includes(name); });
  for (const id of ['aspect_ratio', 'quality', 'fps', 'seconds']) $(id).disabled = (FROM_SOURCE[name] ?? []).includes(id);
  $('length-label').textContent = name === 'extend' ? 'Add' : 'Length';
  drawPath();
  quote();
}

document.querySelectorAll('.mode').forEach(b => b.addEventListener('click', () => showMode(b.dataset.mode)));

/** The form as a POST /v1/videos body, for the chosen mode. */
function request() {
  const m = mode(), body = {prompt: $('prompt').value, shared: $('shared').checked};
  for (const name of ['aspect_ratio', 'quality']) {
    if (!$(name).disabled) body[name] = $(name).value;
  }
  for (const name of SETTINGS) {
    if ($(name).value !== '' && !$(name).disabled) body[name] = Number($(name).value);
  }
  if ($('seed').value !== '') body.seed = Number($('seed').value);
  for (const name of ['negative_prompt', 'camera', 'style']) {
    if ($(name).value.trim()) body[name] = $(name).value;
  }
  if (m === 'image' && chosen.image) body.image_id = chosen.image.id;
  if (m === 'image' && chosen.lastImage) body.last_image_id = chosen.lastImage.id;
  if (m === 'extend' && chosen.extend) body.extend_video_id = chosen.extend.id;
  if (m === 'restyle' && chosen.source) body.source_video_id = chosen.source.id;
  if (m === 'restyle' && strengthSet) body.strength = Number($('strength').value);
  if (m === 'motion_path' && chosen.path.length >= 2) body.motion_path = chosen.path;
  return body;
}

/** What the mode still needs before it can be made, or null. */
function missing() {
  switch (mode()) {
    case 'image': return chosen.image ? null : 'Choose a picture for the first frame.';
    case 'extend': return chosen.extend ? null : 'Press "Extend" on a video below.';
    case 'restyle': return chosen.source ? null : 'Drop a clip, or press "Restyle" on a video below.';
    case 'motion_path': return chosen.path.length >= 2 ? null : 'Draw the path on the frame.';
    default: return null;
  }
}

let quoteTimer = null;

/** Shows what the form's video would cost and its warnings (or what the mode still needs, or what is wrong with the form). */
function quote() {
  clearTimeout(quoteTimer);
  quoteTimer = setTimeout(async () => {
    const body = request(), need = missing();
    if (!body.prompt.trim()) body.prompt = 'price check';
    $('submit').disabled = need !== null;
    try {
      const q = await api('POST', '/v1/videos/cost', body);
      resizePath(q.width, q.height);
      $('cost').textContent = need ?? `Cost: ${q.cost} credits · ${q.width}×${q.height}, ${q.frames} frames`;
      showWarnings($('warnings'), q.warnings);
      $('form-error').textContent = '';
    } catch (err) {
      $('cost').textContent = need ?? '';
      $('form-error').textContent = err.message;
    }
  }, 150);
}

$('video-form').addEventListener('input', quote);

/** Whether the user moved the strength slider: until then the server's default for the mode applies. */
let strengthSet = false;

function setStrength(value) {
  strengthSet = value != null;
  if (strengthSet) $('strength').value = value;
  $('strength-value').textContent = strengthSet ? $('strength').value : 'the default';
}

$('strength').addEventListener('input', () => setStrength($('strength').value));

$('video-form').addEventListener('submit', async e => {
  e.preventDefault();
  $('form-error').textContent = '';
  showWarnings($('warnings'), []);
  try {
    const video = await api('POST', '/v1/videos', request());
    showWarnings($('warnings'), video.warnings);
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

function showWarnings(list, warnings = []) {
  list.replaceChildren(...warnings.map(w => el('li', {textContent: w})));
}

// ---- Uploads: pictures for the first and last frame, clips to restyle ----

/** Takes a picture or clip from its drop zone (dropped or chosen), uploads it and calls done with what the API answered. */
function dropZone(zone, input, path, done) {
  const take = async file => {
    if (!file) return;
    try {
      done(await upload(path, file), file);
      quote();
    } catch (err) {
      $('form-error').textContent = err.message;
    }
  };
  input.addEventListener('change', () => take(input.files[0]));
  zone.addEventListener('dragover', e => { e.preventDefault(); zone.classList.add('over'); });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', e => {
    e.preventDefault();
    zone.classList.remove('over');
    take(e.dataTransfer.files[0]);
  });
}

/** Each choice's label says what is chosen, or (its text in the page) how to choose. */
const LABELS = {image: 'image-label', lastImage: 'last-image-label', extend: 'extend-label', source: 'source-label'};
const EMPTY = Object.fromEntries(Object.entries(LABELS).map(([key, id]) => [key, $(id).textContent]));

/** Sets one of the mode's choices (null to clear it) and says so in its label. */
function choose(key, value, label) {
  chosen[key] = value;
  $(LABELS[key]).textContent = value ? label : EMPTY[key];
}

/** The first and last frame's drop zones, by the prefix of their elements' ids. */
const PICTURES = {image: 'image', lastImage: 'last-image'};

/** A chosen picture (or none) in its drop zone; picture is {id, url}, url null where only the id is known (a remix). */
function showPicture(key, picture) {
  const prefix = PICTURES[key];
  choose(key, picture, `Picture ${picture?.id}`);
  $(`${prefix}-thumb`).hidden = !picture?.url;
  if (picture?.url) $(`${prefix}-thumb`).src = picture.url;
  $(`${prefix}-clear`).hidden = !picture;
  if (!picture) $(`${prefix}-file`).value = '';
}

for (const [key, prefix] of Object.entries(PICTURES)) {
  dropZone($(`${prefix}-drop`), $(`${prefix}-file`), '/v1/images', (image, file) => showPicture(key, {id: image.id, url: URL.createObjectURL(file)}));
  $(`${prefix}-clear`).addEventListener('click', () => { showPicture(key, null); quote(); });
}

dropZone($('clip-drop'), $('clip-file'), '/v1/clips', (clip, file) => choose('source', {id: clip.id}, `Restyling ${file.name}`));

function chooseExtend(v) {
  choose('extend', v && {id: v.id}, v && `Extending “${title(v.prompt)}” (${v.seconds.toFixed(1)} s)`);
}

function chooseRestyle(v) {
  choose('source', {id: v.id}, `Restyling “${title(v.prompt)}”`);
}

// ---- Motion path: drawn over a video's first frame, kept in output pixels ----

const canvas = $('path-canvas');
const CANVAS_SIDE = 256;  // the longer side on screen, in CSS pixels
let background = null;     // the first frame to draw on, once loaded
let drawing = false;

/** Puts a first frame (its URL, or none) under the path. */
function showFrame(url) {
  background = null;
  if (url) {
    const img = new Image();
    img.onload = () => { background = img; drawPath(); };
    img.src = url;
  }
  drawPath();
}

/** Fits the canvas to the output's aspect, and the path to the output's size when that changes. */
function resizePath(width, height) {
  if (width === output.width && height === output.height) return;
  if (output.width) chosen.path = chosen.path.map(([x, y]) => [Math.round(x * width / output.width), Math.round(y * height / output.height)]);
  output = {width, height};
  const scale = CANVAS_SIDE / Math.max(width, height);
  canvas.width = Math.round(width * scale);
  canvas.height = Math.round(height * scale);
  drawPath();
}

/** The pointer's place in output pixels, held inside the frame. */
function outputPoint(e) {
  const box = canvas.getBoundingClientRect();
  const clamp = (v, max) => Math.min(max - 1, Math.max(0, Math.round(v)));
  return [clamp((e.clientX - box.left) * output.width / box.width, output.width),
          clamp((e.clientY - box.top) * output.height / box.height, output.height)];
}

canvas.addEventListener('pointerdown', e => {
  if (!output.width) return;
  drawing = true;
  canvas.setPointerCapture(e.pointerId);
  chosen.path = [outputPoint(e)];
  drawPath();
});

canvas.addEventListener('pointermove', e => {
  if (!drawing) return;
  const point = outputPoint(e), last = chosen.path.at(-1);
  if (point[0] !== last[0] || point[1] !== last[1]) chosen.path.push(point);
  drawPath();
});

canvas.addEventListener('pointerup', () => {
  drawing = false;
  quote();
});

$('path-clear').addEventListener('click', () => {
  chosen.path = [];
  drawPath();
  quote();
});

/** The first frame (covering the canvas, centre-cropped) and the path over it. */
function drawPath() {
  const g = canvas.getContext('2d');
  g.imageSmoothingEnabled = false;
  g.fillStyle = '#000';
  g.fillRect(0, 0, canvas.width, canvas.height);
  if (background) {
    const s = Math.max(canvas.width / background.width, canvas.height / background.height);
    const w = background.width * s, h = background.height * s;
    g.drawImage(background, (canvas.width - w) / 2, (canvas.height - h) / 2, w, h);
  }
  if (!output.width || chosen.path.length === 0) return;
  const toCanvas = ([x, y]) => [(x + 0.5) * canvas.width / output.width, (y + 0.5) * canvas.height / output.height];
  g.strokeStyle = '#6c8cff';
  g.lineWidth = 3;
  g.beginPath();
  chosen.path.map(toCanvas).forEach(([x, y], i) => (i ? g.lineTo(x, y) : g.moveTo(x, y)));
  g.stroke();
  const [sx, sy] = toCanvas(chosen.path[0]);
  g.fillStyle = '#4cd08a';
  g.beginPath();
  g.arc(sx, sy, 5, 0, 2 * Math.PI);
  g.fill();
}

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

/** How the gallery names each mode the API reports, and the form's tab that remakes it. */
const MODES = {
  text: ['Text', 'text'], image: ['Image', 'image'], first_last: ['First + last frame', 'image'], extend: ['Extension', 'extend'],
  motion_path: ['Motion path', 'motion_path'], camera: ['Camera move', 'text'], restyle: ['Restyle', 'restyle'],
};

/** A title from the prompt, cut at a word near max characters. */
function title(prompt, max = 60) {
  if (prompt.length <= max) return prompt;
  const cut = prompt.slice(0, max);
  return `${cut.slice(0, cut.lastIndexOf(' ') > max / 2 ? cut.lastIndexOf(' ') : max)}…`;
}

/** The video's mode and settings, as the gallery and the player show them. */
function settings(v) {
  return [MODES[v.mode]?.[0] ?? 'Text', `${v.width}×${v.height}`, `${v.seconds.toFixed(1)} s`,
    v.camera && `camera ${v.camera}`, v.style && `style ${v.style}`, v.strength != null && `strength ${v.strength}`,
    `seed ${v.seed}`, v.status].filter(Boolean).join(' · ');
}

function card(v) {
  const node = el('article', {className: 'video'});
  node.dataset.id = v.id;
  node.dataset.status = v.status;
  node.append(v.thumbnail_url
    ? el('img', {className: 'thumb', src: v.thumbnail_url, alt: v.prompt, onclick: () => play(v)})
    : el('div', {className: `thumb placeholder ${v.status}`, textContent: v.status}));
  node.append(el('h3', {className: 'title', textContent: title(v.prompt), title: v.prompt}));
  node.append(el('p', {className: 'meta', textContent: settings(v)}));
  const actions = el('div', {className: 'actions'});
  const button = (name, text, onclick) => actions.append(el('button', {className: name, textContent: text, onclick}));
  if (v.status === 'succeeded') {
    button('play', 'Play', () => play(v));
    actions.append(el('a', {className: 'download button', textContent: 'Download', href: v.url, download: `${v.id}.mp4`}));
  }
  if (tab === 'mine' && (v.status === 'queued' || v.status === 'running')) button('watch', 'Watch', () => watch(v));
  button('remix', 'Remix', () => remix(v));
  if (v.status === 'succeeded') button('path', 'Draw path', () => remix(v, 'motion_path'));
  if (tab === 'mine' && v.status === 'succeeded') {
    button('extend', 'Extend', () => { chooseExtend(v); openForm('extend'); });
    button('restyle', 'Restyle', () => { chooseRestyle(v); openForm('restyle'); });
    const share = el('button', {className: 'share', textContent: v.shared ? 'Unshare' : 'Share'});
    share.onclick = async () => {
      v.shared = (await api('POST', `/v1/videos/${v.id}/share`, {shared: !v.shared})).shared;
      share.textContent = v.shared ? 'Unshare' : 'Share';
    };
    actions.append(share);
  }
  if (tab === 'mine') {
    button('delete quiet', 'Delete', async () => {
      await api('DELETE', `/v1/videos/${v.id}`);
      node.remove();
      refreshBalance();
    });
  }
  node.append(actions);
  return node;
}

/** Plays the video at its true pixels, scaled by the largest whole number that fits, so 64×64 stays crisp. */
function play(v) {
  $('player-card').hidden = false;
  $('player-title').textContent = title(v.prompt, 120);
  $('player-meta').textContent = settings(v);
  showWarnings($('player-warnings'), v.warnings);
  const stage = $('player').parentElement;
  const scale = Math.max(1, Math.floor(Math.min(stage.clientWidth / v.width, 0.6 * window.innerHeight / v.height)));
  $('player').style.width = `${v.width * scale}px`;
  $('player').style.height = `${v.height * scale}px`;
  $('player').src = v.url;
  $('player').play().catch(() => {});
  $('player-card').scrollIntoView({behavior: 'smooth'});
}

/** Shows the form in a mode, scrolled to and ready to type. */
function openForm(modeName) {
  showMode(modeName);
  $('create').scrollIntoView({behavior: 'smooth'});
  $('prompt').focus();
}

/**
 * Reopens the form with all of the video's mode and settings, seed included, to make a variation; or in another mode
 * (a motion path drawn over its first frame).
 */
async function remix(v, modeName = MODES[v.mode]?.[1] ?? 'text') {
  $('prompt').value = v.prompt;
  $('negative_prompt').value = v.negative_prompt;
  pick($('aspect_ratio'), v.aspect_ratio);
  for (const name of ['fps', 'steps', 'cfg', 'seed']) $(name).value = v[name];
  $('camera').value = v.camera ?? '';
  $('style').value = v.style ?? '';
  setStrength(v.strength);
  showPicture('image', v.image_id ? {id: v.image_id, url: null} : null);
  showPicture('lastImage', v.last_image_id ? {id: v.last_image_id, url: null} : null);
  choose('source', v.source_video_id && {id: v.source_video_id}, `Restyling ${v.source_video_id}`);
  chosen.path = v.motion_path ?? [];
  output = {width: 0, height: 0};  // the path is in the video's pixels
  resizePath(v.width, v.height);
  showFrame(v.thumbnail_url);
  let seconds = v.seconds;
  chooseExtend(null);
  if (v.extend_video_id) {
    const source = await api('GET', `/v1/videos/${v.extend_video_id}`);
    chooseExtend(source);
    seconds -= source.seconds;  // an extension's seconds are its source's and what it added
  }
  pick($('seconds'), Number(seconds.toFixed(3)));
  openForm(modeName);
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
