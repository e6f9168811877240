'use strict';
// The admin view: usage per day, the queue and the workers, from GET /v1/admin/usage (admin accounts only).

const $ = id => document.getElementById(id);

async function load() {
  const res = await fetch('/v1/admin/usage?days=14');
  const data = await res.json();
  if (!res.ok) {
    $('admin-error').textContent = res.status === 401 ? 'Log in to the studio first, as an admin.' : data.error.message;
    return;
  }
  $('queue-depth').textContent = data.queue_depth;
  $('workers').textContent = `${data.workers_busy} / ${data.workers}`;
  $('moderated-today').textContent = data.days[0].moderation_hits;
  $('by-status').textContent = 'All jobs by status: ' +
    (Object.entries(data.jobs_by_status).map(([status, n]) => `${status} ${n}`).join(' · ') || 'none yet');
  $('days').replaceChildren(...data.days.map(d => {
    const row = document.createElement('tr');
    for (const value of [d.day, d.active_users, d.jobs, d.video_seconds.toFixed(1), d.credits_spent, d.moderation_hits]) {
      row.append(Object.assign(document.createElement('td'), {textContent: value}));
    }
    return row;
  }));
  $('now').hidden = false;
  $('usage').hidden = false;
}

load();
setInterval(load, 5000);
