import type { ICredentialType, INodeProperties } from 'n8n-workflow';

/**
 * The Police Mitan store: a PostgreSQL server, or the embedded database that `npm start`
 * serves on a local port; an empty database is fine (the nodes create the tables on first use).
 * Tested by the nodes' `mitanDatabaseConnectionTest`, which reports where the schema stands.
 */
export class MitanDatabaseApi implements ICredentialType {
	name = 'mitanDatabaseApi';

	displayName = 'Mitan Database';

	icon = 'file:mitan.svg' as const;

	documentationUrl = 'https://github.com/police-mitan/n8n-nodes-police-mitan#configuration';

	properties: INodeProperties[] = [
		{
			displayName: 'Connect By',
			name: 'connectBy',
			type: 'options',
			options: [
				{ name: 'Connection URL', value: 'url' },
				{ name: 'Host and Port', value: 'fields' },
			],
			default: 'url',
		},
		{
			displayName: 'Connection URL',
			name: 'url',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			placeholder: 'postgres://mitan:secret@127.0.0.1:5432/mitan',
			displayOptions: { show: { connectBy: ['url'] } },
		},
		{ displayName: 'Host', name: 'host', type: 'string', default: '127.0.0.1', displayOptions: { show: { connectBy: ['fields'] } } },
		{ displayName: 'Port', name: 'port', type: 'number', default: 5432, displayOptions: { show: { connectBy: ['fields'] } } },
		{ displayName: 'Database', name: 'database', type: 'string', default: 'mitan', displayOptions: { show: { connectBy: ['fields'] } } },
		{ displayName: 'User', name: 'user', type: 'string', default: 'postgres', displayOptions: { show: { connectBy: ['fields'] } } },
		{
			displayName: 'Password',
			name: 'password',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			displayOptions: { show: { connectBy: ['fields'] } },
		},
		{ displayName: 'SSL', name: 'ssl', type: 'boolean', default: false, displayOptions: { show: { connectBy: ['fields'] } } },
		{
			displayName: 'District Code',
			name: 'district',
			type: 'string',
			default: '',
			placeholder: 'KBD',
			description:
				"The district the workflows using this credential serve: its code (KBD, RPR, …; `mitan district list`). Empty: the installation's first district. A node's own District ID option wins.",
		},
	];
}
