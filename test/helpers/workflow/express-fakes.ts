/**
 * The express request and response objects n8n's webhook server hands to a node's webhook():
 * a request built from the test's description, and a response that records what the node sent.
 */
import type { IHttpRequestMethods } from 'n8n-workflow';

/** The HTTP request a webhook receives. Header names are matched case-insensitively, as in Node. */
export interface WebhookRequest {
	method?: IHttpRequestMethods;
	body?: unknown;
	query?: Record<string, string | string[]>;
	headers?: Record<string, string | string[]>;
	params?: Record<string, string>;
	/** Raw body bytes (default: the JSON text of `body`), for signature checks. */
	rawBody?: Buffer;
	/** Request path, e.g. 'webhook/<webhookId>/callback'; default: the node's webhook path as n8n builds it. */
	path?: string;
}

/** What a fake express Response was told to send. */
export interface RecordedResponse {
	status: number;
	headers: Record<string, string | string[]>;
	/** Parsed JSON for json(), else what send()/end() received (strings as strings). */
	body: unknown;
	/** True once the node sent or ended the response. */
	ended: boolean;
}

function lowerCaseHeaders(headers: Record<string, string | string[]> = {}) {
	return Object.fromEntries(
		Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]),
	);
}

/** The parts of an express Request that nodes read. */
export function fakeRequest(request: WebhookRequest, defaultPath: string) {
	const headers: Record<string, string | string[]> = lowerCaseHeaders(request.headers);
	const body = request.body ?? {};
	if (headers['content-type'] === undefined && typeof body === 'object')
		headers['content-type'] = 'application/json';
	const query = request.query ?? {};
	const search = new URLSearchParams();
	for (const [key, value] of Object.entries(query)) {
		for (const entry of Array.isArray(value) ? value : [value]) search.append(key, entry);
	}
	const path = `/${request.path ?? defaultPath}`.replace(/^\/+/, '/');
	const url = search.size > 0 ? `${path}?${search.toString()}` : path;
	const rawBody =
		request.rawBody ?? Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
	const header = (name: string) => headers[name.toLowerCase()];
	return {
		method: request.method ?? 'POST',
		headers,
		body,
		query,
		params: request.params ?? {},
		path,
		url,
		originalUrl: url,
		rawBody,
		readRawBody: async () => {},
		get: header,
		header,
		ip: '127.0.0.1',
		protocol: 'http',
		hostname: '127.0.0.1',
		host: '127.0.0.1:5678',
		socket: { remoteAddress: '127.0.0.1' },
	};
}

/** Records what a node does with the express Response it gets from getResponseObject(). */
export class FakeResponse {
	statusCode = 200;

	headersSent = false;

	private readonly headers: Record<string, string | string[]> = {};

	private body: unknown;

	private chunks: unknown[] = [];

	status(code: number) {
		this.statusCode = code;
		return this;
	}

	sendStatus(code: number) {
		this.statusCode = code;
		return this.end();
	}

	setHeader(name: string, value: string | string[]) {
		this.headers[name.toLowerCase()] = value;
		return this;
	}

	header(name: string | Record<string, string>, value?: string) {
		if (typeof name === 'object') {
			for (const [key, entry] of Object.entries(name)) this.setHeader(key, entry);
		} else if (value !== undefined) {
			this.setHeader(name, value);
		}
		return this;
	}

	set(name: string | Record<string, string>, value?: string) {
		return this.header(name, value);
	}

	getHeader(name: string) {
		return this.headers[name.toLowerCase()];
	}

	writeHead(code: number, headers: Record<string, string> = {}) {
		this.statusCode = code;
		return this.header(headers);
	}

	json(body: unknown) {
		this.setHeader('content-type', 'application/json');
		this.body = body;
		return this.finish();
	}

	send(body?: unknown) {
		this.body = body;
		return this.finish();
	}

	write(chunk: unknown) {
		this.chunks.push(chunk);
		return true;
	}

	end(body?: unknown) {
		if (body !== undefined) this.chunks.push(body);
		if (this.body === undefined && this.chunks.length > 0) {
			this.body = this.chunks.every((chunk) => typeof chunk === 'string')
				? this.chunks.join('')
				: Buffer.concat(this.chunks.map((chunk) => Buffer.from(chunk as string)));
		}
		return this.finish();
	}

	redirect(statusOrUrl: number | string, url?: string) {
		this.statusCode = typeof statusOrUrl === 'number' ? statusOrUrl : 302;
		this.setHeader('location', typeof statusOrUrl === 'string' ? statusOrUrl : (url ?? ''));
		return this.finish();
	}

	on() {
		return this;
	}

	once() {
		return this;
	}

	recorded(): RecordedResponse {
		return {
			status: this.statusCode,
			headers: { ...this.headers },
			body: this.body,
			ended: this.headersSent,
		};
	}

	private finish() {
		this.headersSent = true;
		return this;
	}
}
