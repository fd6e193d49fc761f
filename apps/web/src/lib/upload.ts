// Upload progress for file-carrying tRPC calls. fetch() cannot report how much of a request body has
// been sent; XMLHttpRequest can. The tRPC link for non-JSON input (trpc.ts) sends through
// `uploadingFetch`, and a page that uploads listens with `onUploadProgress` while its call runs.

export interface UploadProgress {
  /** Bytes of the request body sent so far. */
  loaded: number;
  /** The body's size, or 0 when the browser cannot tell. */
  total: number;
}

type Listener = (progress: UploadProgress) => void;
const listeners = new Set<Listener>();

/** Listen to the progress of every upload until the returned function is called. */
export function onUploadProgress(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function parseHeaders(raw: string): Headers {
  const headers = new Headers();
  for (const line of raw.trim().split(/[\r\n]+/)) {
    const at = line.indexOf(":");
    if (at > 0) headers.append(line.slice(0, at).trim(), line.slice(at + 1).trim());
  }
  return headers;
}

/** A fetch() for same-origin requests that reports upload progress to the listeners. */
export function uploadingFetch(input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    const url = input instanceof Request ? input.url : String(input);
    xhr.open(init.method ?? "GET", url);
    new Headers(init.headers).forEach((value, key) => xhr.setRequestHeader(key, value));
    xhr.upload.onprogress = (e) => {
      for (const l of listeners) l({ loaded: e.loaded, total: e.lengthComputable ? e.total : 0 });
    };
    xhr.onload = () =>
      resolve(
        new Response(xhr.responseText, {
          status: xhr.status,
          statusText: xhr.statusText,
          headers: parseHeaders(xhr.getAllResponseHeaders()),
        }),
      );
    xhr.onerror = () => reject(new TypeError("Network request failed"));
    xhr.onabort = () => reject(new DOMException("The upload was cancelled", "AbortError"));
    init.signal?.addEventListener("abort", () => xhr.abort(), { once: true });
    xhr.send((init.body as XMLHttpRequestBodyInit | null | undefined) ?? null);
  });
}
