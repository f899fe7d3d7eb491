import { Router } from 'express';
import type { AppDeps } from '../app';

/** Meta's webhooks (issue 5 fills this in). */
export function gatewayRouter(_deps: AppDeps): Router {
	return Router();
}
