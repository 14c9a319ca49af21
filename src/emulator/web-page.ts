import type { ServerResponse } from 'node:http';
import { parseForm } from './form';
import { isScenario, applicableScenarios, type Scenario } from './scenarios';
import type { EmulatorState } from './state';

const LABELS: Record<Scenario, string> = {
  pass: 'Pass',
  spoof: 'Spoof (1002)',
  liveness_fail: 'Liveness fails (1005)',
  liveness_engine_error: 'Liveness engine error (1001)',
  no_face: 'No face detected (1004)',
  compare_fail: 'Face compare fails (2015)',
  low_similarity: 'Low similarity (2016)',
  image_size: 'Image size wrong (2004)',
  multiple_faces: 'Several faces (2012)',
  incomplete_face: 'Incomplete face (2013)',
  low_resolution: 'Resolution too low (2014)',
  face_occluded: 'Face occluded (2017)',
  document_warning: 'Document warning',
  document_rejected: 'Document rejected',
  abandon: 'Abandon (never finish)',
};

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(res: ServerResponse, status: number, title: string, content: string): void {
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)}</title>
<style>
body{font-family:system-ui,sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem;color:#1d2129}
h1{font-size:1.3rem}p.note{color:#5c6370;font-size:.9rem}
form{margin:.4rem 0}button{width:100%;padding:.7rem;font-size:1rem;border:1px solid #2d72f1;border-radius:6px;background:#fff;cursor:pointer}
button[data-scenario=pass]{background:#2d72f1;color:#fff}
</style>
</head>
<body>
<h1>${escape(title)}</h1>
${content}
</body>
</html>
`;
  res.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': Buffer.byteLength(html),
    'Cache-Control': 'no-store',
    // Self-contained page: inline styles only. No form-action: browsers apply it to the redirects that follow a
    // submit, and the finished flow must 303 on to the backend's RedirectURL on another origin.
    'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'",
  });
  res.end(html);
}

/** Serves `GET /web/verify?token=…`: one form button per applicable scenario, each with a stable `data-scenario`. */
export function serveVerifyPage(res: ServerResponse, query: URLSearchParams, state: EmulatorState): void {
  const token = query.get('token') ?? '';
  const session = state.sessions.get(token);
  if (!session || (session.flow !== 'web' && session.flow !== 'web-legacy')) {
    return page(res, 404, 'Unknown verification', '<p data-state="unknown">This verification link is not valid.</p>');
  }
  const status = state.sessions.state(session, state.clock.nowMs());
  if (status === 'finished')
    return page(res, 409, 'Already verified', '<p data-state="finished">This link has already been used.</p>');
  if (status === 'expired')
    return page(res, 410, 'Link expired', '<p data-state="expired">This verification link has expired.</p>');
  const buttons = applicableScenarios(session.caps)
    .map(
      (scenario) => `<form method="post" action="/web/verify/complete">
<input type="hidden" name="token" value="${escape(token)}">
<button type="submit" name="scenario" value="${scenario}" data-scenario="${scenario}">${escape(LABELS[scenario])}</button>
</form>`,
    )
    .join('\n');
  page(
    res,
    200,
    'FaceID sandbox verification',
    `<p class="note" data-state="${status}">Sandbox page standing in for Tencent's verification page. Choose what the user does.</p>\n${buttons}`,
  );
}

/** Serves `POST /web/verify/complete` (form `token`, `scenario`): finishes the session and redirects with `?token=`. */
export function completeFromPage(res: ServerResponse, body: Buffer, state: EmulatorState): void {
  const form = parseForm(body.toString('utf8'));
  const token = form.token ?? '';
  const session = state.sessions.get(token);
  if (!session || (session.flow !== 'web' && session.flow !== 'web-legacy') || !session.redirectUrl) {
    return page(res, 404, 'Unknown verification', '<p data-state="unknown">This verification link is not valid.</p>');
  }
  if (!isScenario(form.scenario))
    return page(res, 400, 'Unknown choice', '<p data-state="bad-request">Unknown scenario.</p>');
  const result = state.sessions.complete(token, { scenario: form.scenario, attempts: 0 }, state.clock.nowMs());
  if ('error' in result) {
    return page(res, result.status, 'Verification refused', `<p data-state="refused">${escape(result.error)}</p>`);
  }
  if (form.scenario === 'abandon') {
    // An abandoning user closes the page: nothing sends the browser back to the backend.
    return page(
      res,
      200,
      'Verification abandoned',
      '<p data-state="abandoned">You left the verification without finishing it.</p>',
    );
  }
  const target = new URL(session.redirectUrl);
  target.searchParams.set('token', token);
  res.writeHead(303, { Location: target.toString(), 'Content-Length': 0, 'Cache-Control': 'no-store' });
  res.end();
}
