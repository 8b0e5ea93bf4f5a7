'use strict';
// A small client for n8n 2.41's internal REST API (the one the editor uses), cookie-authenticated.
//
//   const api = createClient('http://127.0.0.1:5678');
//   await api.ensureOwner(DEV_OWNER);             // sets the owner up once, else logs in
//   const cred = await api.createCredential({ name, type: 'legnextVideoApi', data: { apiKey, baseUrl } });
//   const wf = await api.createWorkflow(workflowJson);
//   const { executionId } = await api.runWorkflow(wf.id);
//   const execution = await api.waitForExecution(executionId);   // parsed, see summarizeExecution

const path = require('node:path');
const { sleep } = require('./proc');

const TERMINAL_STATUSES = ['success', 'error', 'crashed', 'canceled'];

class N8nRequestError extends Error {
	constructor(method, url, status, body) {
		const message = (body && (body.message || body.error)) || JSON.stringify(body);
		super(`${method} ${url} -> ${status}: ${message}`);
		this.status = status;
		this.body = body;
	}
}

/** The flatted parser from the n8n install (execution data is stored in the flatted format). */
function flatted() {
	// Required lazily: n8n.js requires this module, and the install may not exist at load time.
	const { paths } = require('./n8n');
	return require(path.join(paths.installDir, 'node_modules', 'flatted'));
}

function isTriggerNode(node) {
	return /trigger$/i.test(node.type) || node.type === 'n8n-nodes-base.start';
}

/**
 * Turns GET /rest/executions/:id's answer into something tests can read:
 * { id, status, finished, mode, workflowId, startedAt, stoppedAt, waitTill, error, lastNodeExecuted,
 *   nodes: { [nodeName]: { status, error, items, outputs, runs, executionTime } }, data }
 * `items` is the first output's items of the node's last run ({ json, binary? }), `outputs` all of
 * its main outputs, `runs` the raw task data of every run; `data` the whole parsed run data.
 */
function summarizeExecution(execution) {
	const data =
		typeof execution.data === 'string' ? flatted().parse(execution.data) : execution.data;
	const resultData = (data && data.resultData) || {};
	const nodes = {};
	for (const [name, runs] of Object.entries(resultData.runData || {})) {
		const last = runs[runs.length - 1] || {};
		const outputs = (last.data && last.data.main) || [];
		nodes[name] = {
			status: last.executionStatus,
			error: last.error,
			items: outputs[0] || [],
			outputs,
			runs,
			executionTime: last.executionTime,
		};
	}
	return {
		id: execution.id,
		status: execution.status,
		finished: execution.finished,
		mode: execution.mode,
		workflowId: execution.workflowId,
		startedAt: execution.startedAt,
		stoppedAt: execution.stoppedAt,
		waitTill: execution.waitTill,
		error: resultData.error,
		lastNodeExecuted: resultData.lastNodeExecuted,
		nodes,
		data,
	};
}

class N8nClient {
	constructor(baseUrl) {
		this.url = baseUrl.replace(/\/$/, '');
		this.cookie = '';
		// The auth cookie is bound to the browser-id header sent at login: send one constant id.
		this.browserId = `legnext-e2e-${process.pid}`;
	}

	/** Raw fetch with auth; `path` is absolute ('/rest/...', '/types/...', '/webhook/...'). */
	async fetch(urlPath, { method = 'GET', body, headers = {}, query } = {}) {
		const url = new URL(this.url + urlPath);
		for (const [key, value] of Object.entries(query || {})) {
			if (value !== undefined)
				url.searchParams.set(key, typeof value === 'string' ? value : JSON.stringify(value));
		}
		const allHeaders = { 'browser-id': this.browserId, ...headers };
		if (this.cookie) allHeaders.cookie = this.cookie;
		if (body !== undefined) allHeaders['content-type'] = 'application/json';
		const response = await fetch(url, {
			method,
			headers: allHeaders,
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const setCookie = response.headers.getSetCookie?.() || [];
		const auth = setCookie.find((cookie) => cookie.startsWith('n8n-auth='));
		if (auth) this.cookie = auth.split(';')[0];
		return response;
	}

	/** JSON request; returns the body's `data` (n8n wraps answers in { data }), throws on >= 400. */
	async request(method, urlPath, body, query) {
		const response = await this.fetch(urlPath, { method, body, query });
		const text = await response.text();
		let json;
		try {
			json = text ? JSON.parse(text) : undefined;
		} catch {
			json = { message: text.slice(0, 500) };
		}
		if (response.status >= 400) throw new N8nRequestError(method, urlPath, response.status, json);
		return json && typeof json === 'object' && 'data' in json ? json.data : json;
	}

	/** n8n's major version (from the public /rest/settings), read once: 1.x's REST API differs a little. */
	async majorVersion() {
		if (this.major === undefined) {
			const { versionCli } = await this.request('GET', '/rest/settings');
			this.major = Number(String(versionCli).split('.')[0]);
		}
		return this.major;
	}

	// --- users -----------------------------------------------------------------------------

	/** True until an owner exists. */
	async ownerMissing() {
		const settings = await this.request('GET', '/rest/settings');
		return Boolean(settings.userManagement && settings.userManagement.showSetupOnFirstLoad);
	}

	/** POST /rest/owner/setup; leaves the client logged in. Password: 8-64 chars, a digit, an uppercase. */
	async setupOwner({ email, password, firstName = 'Dev', lastName = 'Owner' }) {
		return this.request('POST', '/rest/owner/setup', { email, password, firstName, lastName });
	}

	async login({ email, password }) {
		return this.request('POST', '/rest/login', { emailOrLdapLoginId: email, password });
	}

	/** Sets the owner up on a new instance, logs in on one that has it (idempotent). */
	async ensureOwner(owner) {
		if (await this.ownerMissing()) return this.setupOwner(owner);
		return this.login(owner);
	}

	// --- credentials -----------------------------------------------------------------------

	async createCredential({ name, type, data }) {
		return this.request('POST', '/rest/credentials', { name, type, data });
	}

	async listCredentials() {
		return this.request('GET', '/rest/credentials');
	}

	async updateCredential(id, { name, type, data }) {
		return this.request('PATCH', `/rest/credentials/${id}`, { name, type, data });
	}

	/** Creates the credential, or updates the one with the same name and type (idempotent). */
	async upsertCredential({ name, type, data }) {
		const existing = (await this.listCredentials()).find((c) => c.name === name && c.type === type);
		if (existing) return this.updateCredential(existing.id, { name, type, data });
		return this.createCredential({ name, type, data });
	}

	/** A stored credential; with `includeData`, its data with secrets redacted ('__n8n_BLANK_VALUE_...'). */
	async getCredential(id, { includeData = false } = {}) {
		return this.request(
			'GET',
			`/rest/credentials/${id}`,
			undefined,
			includeData ? { includeData: 'true' } : undefined,
		);
	}

	/**
	 * Runs the credential type's `test` request, as the editor's "Retry"/save does. `id` names a
	 * stored credential; `data` overrides its values (omitted: the stored values are tested).
	 * Returns { status: 'OK' | 'Error', message }.
	 */
	async testCredential({ id, name, type, data }) {
		if (!data || !type) {
			// n8n tests only the data sent; redacted secrets in it are swapped for the stored ones.
			const stored = await this.getCredential(id, { includeData: true });
			({ name = stored.name, type = stored.type } = { name, type });
			data = { ...stored.data, ...data };
		}
		return this.request('POST', '/rest/credentials/test', {
			credentials: { id, name: name || '', type, data },
		});
	}

	// --- workflows -------------------------------------------------------------------------

	/** Creates a workflow from exported/handwritten JSON; ids, tags and the active flag are dropped. */
	async createWorkflow(workflow) {
		const { name = 'e2e workflow', nodes, connections = {}, settings, pinData, meta } = workflow;
		return this.request('POST', '/rest/workflows', {
			...((await this.majorVersion()) < 2 ? { active: false } : {}), // a required column in 1.x
			name,
			nodes,
			connections,
			settings: settings || { executionOrder: 'v1' },
			...(pinData ? { pinData } : {}),
			...(meta ? { meta } : {}),
		});
	}

	async getWorkflow(id) {
		return this.request('GET', `/rest/workflows/${id}`);
	}

	async listWorkflows() {
		return this.request('GET', '/rest/workflows');
	}

	/** Publishes (activates) the current version; trigger webhooks answer a moment later (see activateAndWait). */
	async activateWorkflow(id) {
		const { versionId } = await this.getWorkflow(id);
		return this.request('POST', `/rest/workflows/${id}/activate`, { versionId });
	}

	async deactivateWorkflow(id) {
		return this.request('POST', `/rest/workflows/${id}/deactivate`, {});
	}

	async deleteWorkflow(id) {
		await this.request('POST', `/rest/workflows/${id}/archive`, {}).catch(() => undefined);
		return this.request('DELETE', `/rest/workflows/${id}`);
	}

	/**
	 * A manual run, like the editor's "Execute workflow": body { triggerToStartFrom: { name, data? } }.
	 * `triggerName` defaults to the Manual Trigger, else the first trigger node. Returns
	 * { executionId } or, for a webhook trigger without pinned data (pinData in the workflow JSON
	 * stands in for a trigger's output), { waitingForWebhook: true }.
	 */
	async runWorkflow(id, { triggerName, triggerData, destinationNode } = {}) {
		if (!triggerName) {
			const workflow = await this.getWorkflow(id);
			const manual = workflow.nodes.find((node) => node.type === 'n8n-nodes-base.manualTrigger');
			const trigger = manual || workflow.nodes.find(isTriggerNode);
			if (!trigger) throw new Error(`Workflow ${id} has no trigger node to start from`);
			triggerName = trigger.name;
		}
		const body = {
			triggerToStartFrom: { name: triggerName, ...(triggerData ? { data: triggerData } : {}) },
		};
		if (destinationNode) body.destinationNode = { nodeName: destinationNode, mode: 'inclusive' };
		// 1.x runs the workflow sent with the request, as its editor does; 2.x runs the stored one.
		if ((await this.majorVersion()) < 2) body.workflowData = await this.getWorkflow(id);
		return this.request('POST', `/rest/workflows/${id}/run`, body);
	}

	// --- executions ------------------------------------------------------------------------

	/** Raw GET /rest/executions/:id (its `data` is a flatted string). */
	async getExecutionRaw(id) {
		return this.request('GET', `/rest/executions/${id}`);
	}

	/** The execution with parsed run data: see summarizeExecution. */
	async getExecution(id) {
		return summarizeExecution(await this.getExecutionRaw(id));
	}

	/** Newest first. filter: { workflowId, status: ['success', ...], ... }. */
	async listExecutions(filter = {}, { limit = 50 } = {}) {
		const result = await this.request('GET', '/rest/executions', undefined, {
			filter,
			limit: String(limit),
		});
		return result.results;
	}

	/** Polls until the execution's status is one of `statuses`; returns it parsed. */
	async waitForExecution(
		id,
		{ statuses = TERMINAL_STATUSES, timeoutMs = 120000, intervalMs = 500 } = {},
	) {
		const deadline = Date.now() + timeoutMs;
		let last;
		while (Date.now() < deadline) {
			last = await this.getExecutionRaw(id).catch((error) => {
				if (error.status === 404) return undefined; // not saved yet
				throw error;
			});
			if (last && statuses.includes(last.status)) return summarizeExecution(last);
			await sleep(intervalMs);
		}
		throw new Error(
			`Execution ${id} not in [${statuses}] after ${timeoutMs} ms (last status: ${last && last.status})`,
		);
	}

	/**
	 * Waits for an execution of `workflowId` whose id is not in `knownIds` (e.g. one started by a
	 * webhook or a trigger) to reach one of `statuses`; returns it parsed.
	 */
	async waitForNewExecution(
		workflowId,
		{ knownIds = [], statuses = TERMINAL_STATUSES, timeoutMs = 120000 } = {},
	) {
		const deadline = Date.now() + timeoutMs;
		while (Date.now() < deadline) {
			const executions = await this.listExecutions({ workflowId });
			const fresh = executions.find((execution) => !knownIds.includes(execution.id));
			if (fresh) {
				return this.waitForExecution(fresh.id, {
					statuses,
					timeoutMs: Math.max(1000, deadline - Date.now()),
				});
			}
			await sleep(500);
		}
		throw new Error(`No new execution of workflow ${workflowId} within ${timeoutMs} ms`);
	}

	async stopExecution(id) {
		return this.request('POST', `/rest/executions/${id}/stop`, {});
	}

	/** Bytes of a binary item, from its metadata in an execution ({ id: 'filesystem-v2:...', ... }). */
	async downloadBinary(binary) {
		const id = typeof binary === 'string' ? binary : binary.id;
		const response = await this.fetch('/rest/binary-data', { query: { id, action: 'download' } });
		if (response.status >= 400)
			throw new N8nRequestError(
				'GET',
				`/rest/binary-data?id=${id}`,
				response.status,
				await response.text(),
			);
		return Buffer.from(await response.arrayBuffer());
	}

	// --- types and webhooks ----------------------------------------------------------------

	/** GET /types/nodes.json: every loaded node type (custom ones are named CUSTOM.<name>). */
	async listNodeTypes() {
		return this.request('GET', '/types/nodes.json');
	}

	/** Full descriptions of some node types: POST /rest/node-types { nodeInfos: [{ name, version }] }. */
	async getNodeTypeDescriptions(nodeInfos) {
		return this.request('POST', '/rest/node-types', { nodeInfos });
	}

	/** GET /types/credentials.json: every loaded credential type. */
	async listCredentialTypes() {
		return this.request('GET', '/types/credentials.json');
	}

	/**
	 * Production webhook paths ('<webhookId>/<path>' or a full path) of a stored workflow's trigger
	 * webhooks (restart webhooks, which resume waiting executions, excluded).
	 */
	async webhookPaths(workflow) {
		const withWebhooks = workflow.nodes.filter((node) => !node.disabled);
		const infos = withWebhooks.map((node) => ({ name: node.type, version: node.typeVersion }));
		const descriptions = await this.getNodeTypeDescriptions(infos);
		const paths = [];
		withWebhooks.forEach((node, index) => {
			for (const webhook of (descriptions[index] && descriptions[index].webhooks) || []) {
				if (webhook.restartWebhook) continue;
				// Expressions handled here: '={{$parameter["path"]}}' (n8n's Webhook node) and '={{$webhookId}}/...'.
				const raw = String(webhook.path);
				const path = !raw.startsWith('=')
					? raw
					: raw.includes('$webhookId')
						? raw.slice(1).replace(/\{\{\s*\$webhookId\s*\}\}/g, node.webhookId)
						: node.parameters.path;
				// n8n puts the webhook ID in front of a path with a :parameter even when it is a full path.
				const dynamic = path.startsWith(':') || path.includes('/:');
				paths.push(webhook.isFullPath && !dynamic ? path : `${node.webhookId}/${path}`);
			}
		});
		return paths;
	}

	/** True once n8n serves the production webhook (a CORS preflight answers 204, not 404). */
	async webhookIsLive(webhookPath) {
		const response = await fetch(`${this.url}/webhook/${webhookPath.replace(/^\//, '')}`, {
			method: 'OPTIONS',
			headers: { origin: this.url, 'access-control-request-method': 'POST' },
		});
		return response.status < 400;
	}

	/** Activates (publishes) and waits until every trigger webhook of the workflow answers. */
	async activateAndWait(id, { timeoutMs = 30000 } = {}) {
		const activated = await this.activateWorkflow(id);
		const paths = await this.webhookPaths(activated);
		const deadline = Date.now() + timeoutMs;
		for (const webhookPath of paths) {
			while (!(await this.webhookIsLive(webhookPath))) {
				if (Date.now() > deadline)
					throw new Error(`webhook ${webhookPath} not live ${timeoutMs} ms after activation`);
				await sleep(100);
			}
		}
		return activated;
	}

	/** Calls a production webhook: /webhook/<webhookPath>. Returns the fetch Response. */
	async callWebhook(webhookPath, { method = 'POST', body, headers = {} } = {}) {
		return fetch(`${this.url}/webhook/${webhookPath.replace(/^\//, '')}`, {
			method,
			headers: { 'content-type': 'application/json', ...headers },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
	}
}

function createClient(baseUrl) {
	return new N8nClient(baseUrl);
}

module.exports = {
	createClient,
	N8nClient,
	N8nRequestError,
	summarizeExecution,
	isTriggerNode,
	TERMINAL_STATUSES,
};
