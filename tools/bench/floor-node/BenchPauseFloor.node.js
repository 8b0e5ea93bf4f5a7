'use strict';
// Bench only, never shipped: n8n's own floor for figure 6. It waits like the Legnext Video node in pause
// mode, and its webhook() does the least a batch resume needs: one read of the simulator's active-task
// list, then it resumes (no credential, no token, no job reads, no downloads). What figure 6 measures
// for this node is what n8n itself costs when six callbacks of one waiting execution arrive together.

/** Executions this process has resumed. */
const resumed = new Set();

class BenchPauseFloor {
	description = {
		displayName: 'Bench Pause Floor',
		name: 'benchPauseFloor',
		group: ['transform'],
		version: 1,
		description:
			"Benchmark control: waits for its execution's callbacks and resumes when none of the simulator's jobs is active",
		defaults: { name: 'Pause Floor' },
		inputs: ['main'],
		outputs: ['main'],
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				responseData: 'noData',
				path: '',
				restartWebhook: true,
			},
		],
		properties: [
			{ displayName: 'Simulator URL', name: 'simUrl', type: 'string', default: '' },
			{ displayName: 'Simulator Key', name: 'simKey', type: 'string', default: '' },
		],
	};

	webhookMethods = {
		default: {
			checkExists: async () => true,
			create: async () => true,
			delete: async () => true,
		},
	};

	async execute() {
		const items = this.getInputData();
		await this.putExecutionToWait(new Date(Date.now() + 10 * 60 * 1000));
		return [items];
	}

	async webhook() {
		const body = await this.helpers.httpRequest({
			method: 'GET',
			url: `${this.getNodeParameter('simUrl')}/api/account/active_tasks`,
			headers: { 'x-api-key': this.getNodeParameter('simKey') },
			json: true,
		});
		const data = body.data && typeof body.data === 'object' ? body.data : body;
		if (Array.isArray(data.tasks) && data.tasks.length > 0) return { webhookResponse: 'noted' };
		// The six callbacks come together and several find no job active: the first of them resumes.
		if (resumed.has(this.getExecutionId())) return { webhookResponse: 'noted' };
		resumed.add(this.getExecutionId());
		return { workflowData: [[{ json: { resumedBy: this.getQueryData().job ?? null } }]] };
	}
}

module.exports = { BenchPauseFloor };
