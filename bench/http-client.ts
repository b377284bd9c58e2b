import { Agent, request } from 'node:http';

/** One keep-alive agent for every HTTP variant, sized above the highest concurrency so no call queues for a socket. */
export const keepAliveAgent = new Agent({ keepAlive: true, maxSockets: 128, maxFreeSockets: 128 });

export interface JsonAnswer {
  status: number;
  body: unknown;
}

/** POSTs JSON and reads the JSON answer over the keep-alive agent. */
export function postJson(url: URL, body: unknown, headers: Record<string, string> = {}): Promise<JsonAnswer> {
  const payload = Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent: keepAliveAgent,
        headers: { 'content-type': 'application/json', 'content-length': String(payload.length), ...headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          try {
            resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined });
          } catch {
            resolve({ status: res.statusCode ?? 0, body: text });
          }
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** Any-method JSON call for the daemon run (admin API). */
export async function callJson(method: string, url: URL, body: unknown, headers: Record<string, string>): Promise<JsonAnswer> {
  const response = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // Not JSON: keep the text for the error message.
  }
  return { status: response.status, body: parsed };
}
