import { Pool } from 'undici';

/** The bench's HTTP load generator: undici's keep-alive pool, so the client's own cost stays small beside the API's. */
export function apiClient(port: number, bearer: string) {
  const http = new Pool(`http://127.0.0.1:${port}`, { connections: 64 });
  return {
    port,
    /** Posts JSON with the bench's token; answers the status (the body is read and dropped). */
    async post(path: string, body: unknown): Promise<number> {
      const res = await http.request({ path, method: 'POST', headers: { 'content-type': 'application/json', authorization: bearer }, body: JSON.stringify(body) });
      await res.body.dump();
      return res.statusCode;
    },
    close: () => http.close(),
  };
}

export type ApiClient = ReturnType<typeof apiClient>;
