'use strict';
// Workflow JSON for the benchmark: the Legnext Video node ("ours") and the way users do it today
// without the package ("baseline": HTTP Request nodes plus a Wait node loop). Both are run in the
// same n8n against the same simulator.

const crypto = require('node:crypto');

const PACKAGE = 'n8n-nodes-legnext-video';
const IMAGE_URL = 'https://example.com/bench/lighthouse.png';

let position = 0;
function node(name, type, typeVersion, parameters, extra = {}) {
	position += 200;
	return {
		id: crypto.randomUUID(),
		name,
		type,
		typeVersion,
		position: [position, 0],
		parameters,
		...extra,
	};
}

const start = () => node('Start', 'n8n-nodes-base.manualTrigger', 1, {});

/** A Code node that outputs `count` items { n } (runs in n8n's task runner; not part of any timing). */
const items = (count) =>
	node('Items', 'n8n-nodes-base.code', 2, {
		jsCode: `return Array.from({ length: ${count} }, (_, n) => ({ json: { n } }));`,
	});

const noOp = (name) => node(name, 'n8n-nodes-base.noOp', 1, {});

/** Connections for a straight chain of node names. */
function chain(connections, ...names) {
	for (let i = 0; i < names.length - 1; i++) link(connections, names[i], 0, names[i + 1]);
	return connections;
}

function link(connections, from, output, to) {
	connections[from] = connections[from] || { main: [] };
	const outputs = connections[from].main;
	while (outputs.length <= output) outputs.push([]);
	outputs[output].push({ node: to, type: 'main', index: 0 });
}

// ---------------------------------------------------------------------------------------------
// Ours: the Legnext Video node, production defaults unless stated.

/**
 * Create Video for every input item. `tag` goes into the prompt so the simulator's jobs can be
 * told apart; `download`: none / one / all; `limit`: Max Concurrent Jobs; `pause`: Wait Strategy.
 */
function legnextNode({ tag, download = 'one', limit, pause = false }) {
	const options = {};
	if (limit !== undefined) options.maxConcurrentJobs = limit;
	return node('Legnext Video', `${PACKAGE}.legnextVideo`, 1, {
		resource: 'video',
		operation: 'create',
		source: 'imageUrl',
		imageUrl: IMAGE_URL,
		prompt: `=${tag} item {{ $json.n ?? 0 }}`,
		waitForCompletion: true,
		waitStrategy: pause ? 'pause' : 'poll',
		download,
		options,
	});
}

/** Start -> [Items(count)] -> Legnext Video -> Done. */
function oursWorkflow({ name, count, ...nodeOptions }) {
	position = 0;
	const nodes = [start()];
	if (count) nodes.push(items(count));
	nodes.push(legnextNode(nodeOptions), noOp('Done'));
	return { name, nodes, connections: chain({}, ...nodes.map((n) => n.name)) };
}

// ---------------------------------------------------------------------------------------------
// Baseline: HTTP Request + Wait loop, as in the community templates for async video APIs.

function http(name, parameters, credential) {
	return node(
		name,
		'n8n-nodes-base.httpRequest',
		4.2,
		{
			authentication: 'genericCredentialType',
			genericAuthType: 'httpHeaderAuth',
			options: {},
			...parameters,
		},
		{ credentials: { httpHeaderAuth: { id: credential.id, name: credential.name } } },
	);
}

/**
 * `callback`: false, true (the execution's resume URL) or 'perItem' (that URL with `job=<item index>` added;
 * n8n 2.x's resume URL already has a query, its signature, n8n 1.x's has none).
 */
function submitNode(simUrl, credential, tag, { callback = false } = {}) {
	const resumeUrl =
		callback === 'perItem'
			? "{{ $execution.resumeUrl + ($execution.resumeUrl.includes('?') ? '&' : '?') }}job={{ $itemIndex }}"
			: '{{ $execution.resumeUrl }}';
	const callbackField = callback ? `, "callback": "${resumeUrl}"` : '';
	return http(
		'Submit',
		{
			method: 'POST',
			url: `${simUrl}/api/v1/video-diffusion`,
			sendBody: true,
			specifyBody: 'json',
			jsonBody: `={ "prompt": "${IMAGE_URL} ${tag} item {{ $json.n ?? 0 }}", "videoType": 0${callbackField} }`,
		},
		credential,
	);
}

const getJobNode = (simUrl, credential) =>
	http('Get Job', { method: 'GET', url: `=${simUrl}/api/v1/job/{{ $json.job_id }}` }, credential);

/** Downloads `urlExpression` as a file, without credentials (CDN links). */
const downloadNode = (name, urlExpression) =>
	node(name, 'n8n-nodes-base.httpRequest', 4.2, {
		method: 'GET',
		url: `={{ ${urlExpression} }}`,
		options: { response: { response: { responseFormat: 'file' } } },
	});

const waitNode = (seconds) =>
	node(
		'Wait',
		'n8n-nodes-base.wait',
		1.1,
		{ amount: seconds, unit: 'seconds' },
		{
			webhookId: crypto.randomUUID(),
		},
	);

/** True when every item of the batch is finished, so the batch never splits across branches. */
const allDoneNode = () =>
	node('All Done?', 'n8n-nodes-base.if', 2.2, {
		conditions: {
			options: { caseSensitive: true, leftValue: '', typeValidation: 'strict', version: 2 },
			conditions: [
				{
					id: crypto.randomUUID(),
					leftValue:
						"={{ $input.all().every((item) => ['completed', 'failed'].includes(item.json.status)) }}",
					rightValue: '',
					operator: { type: 'boolean', operation: 'true', singleValue: true },
				},
			],
			combinator: 'and',
		},
		options: {},
	});

/**
 * Batch: Start -> Items -> Loop Over Items (batch of `batchSize`, Legnext's concurrency) -> Submit
 * -> Wait -> Get Job -> All Done? (no: back to Wait) -> Download video 0 -> back to the loop.
 */
function baselineBatchWorkflow({ name, simUrl, credential, tag, count, batchSize, waitSeconds }) {
	position = 0;
	const nodes = [
		start(),
		items(count),
		node('Loop', 'n8n-nodes-base.splitInBatches', 3, { batchSize, options: {} }),
		submitNode(simUrl, credential, tag),
		waitNode(waitSeconds),
		getJobNode(simUrl, credential),
		allDoneNode(),
		downloadNode('Download', '$json.output.video_urls[0]'),
		noOp('Done'),
	];
	const connections = chain({}, 'Start', 'Items', 'Loop');
	link(connections, 'Loop', 0, 'Done');
	link(connections, 'Loop', 1, 'Submit');
	chain(connections, 'Submit', 'Wait', 'Get Job', 'All Done?');
	link(connections, 'All Done?', 0, 'Download');
	link(connections, 'All Done?', 1, 'Wait');
	link(connections, 'Download', 0, 'Loop');
	return { name, nodes, connections };
}

/** One job, polled: Start -> Submit -> Wait -> Get Job -> All Done? (no: Wait) -> [download] -> Done. */
function baselinePollWorkflow({ name, simUrl, credential, tag, waitSeconds, download = 'none' }) {
	position = 0;
	const nodes = [
		start(),
		submitNode(simUrl, credential, tag),
		waitNode(waitSeconds),
		getJobNode(simUrl, credential),
		allDoneNode(),
	];
	const connections = chain({}, 'Start', 'Submit', 'Wait', 'Get Job', 'All Done?');
	link(connections, 'All Done?', 1, 'Wait');
	if (download === 'all') {
		nodes.push(
			node('Split Out', 'n8n-nodes-base.splitOut', 1, {
				fieldToSplitOut: 'output.video_urls',
				options: { destinationFieldName: 'url' },
			}),
			downloadNode('Download', '$json.url'),
		);
		link(connections, 'All Done?', 0, 'Split Out');
		chain(connections, 'Split Out', 'Download', 'Done');
	} else {
		link(connections, 'All Done?', 0, 'Done');
	}
	nodes.push(noOp('Done'));
	return { name, nodes, connections };
}

/** Pause: Start -> Submit (callback = the execution's resume URL) -> Wait for the webhook -> Done. */
function baselinePauseWorkflow({ name, simUrl, credential, tag }) {
	position = 0;
	const nodes = [
		start(),
		submitNode(simUrl, credential, tag, { callback: true }),
		node(
			'Wait',
			'n8n-nodes-base.wait',
			1.1,
			{ resume: 'webhook', httpMethod: 'POST', options: {} },
			{
				webhookId: crypto.randomUUID(),
			},
		),
		noOp('Done'),
	];
	return { name, nodes, connections: chain({}, 'Start', 'Submit', 'Wait', 'Done') };
}

/**
 * n8n's own floor for a batch in pause mode: Start -> Items -> Submit (every job with the execution's resume
 * URL) -> Pause Floor (tools/bench/floor-node: resumes on the first callback that finds no job active) -> Done.
 */
function floorBatchPauseWorkflow({ name, simUrl, simKey, credential, tag, count }) {
	position = 0;
	const nodes = [
		start(),
		items(count),
		submitNode(simUrl, credential, tag, { callback: 'perItem' }),
		node(
			'Pause Floor',
			'CUSTOM.benchPauseFloor',
			1,
			{ simUrl, simKey },
			{ webhookId: crypto.randomUUID() },
		),
		noOp('Done'),
	];
	return { name, nodes, connections: chain({}, ...nodes.map((n) => n.name)) };
}

/** Overhead: Start -> Items -> Submit (all items at once) -> Get Job -> All Done?. */
function baselineOverheadWorkflow({ name, simUrl, credential, tag, count }) {
	position = 0;
	const nodes = [
		start(),
		items(count),
		submitNode(simUrl, credential, tag),
		getJobNode(simUrl, credential),
		allDoneNode(),
	];
	return { name, nodes, connections: chain({}, ...nodes.map((n) => n.name)) };
}

module.exports = {
	IMAGE_URL,
	oursWorkflow,
	baselineBatchWorkflow,
	baselinePollWorkflow,
	baselinePauseWorkflow,
	baselineOverheadWorkflow,
	floorBatchPauseWorkflow,
};
