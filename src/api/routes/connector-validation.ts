import { z } from 'zod';
import { ConnectorValidator } from '../../connectors/validation';
import type { ApiDeps } from '../app';
import type { ApiRoute } from '../auth';
import { NotFoundError } from '../../errors';
import { ErrorBodySchema } from '../openapi';
import { parseOrThrow } from '../../errors/validation';

const ValidationAnswer = z.object({
  connectorType: z.string(),
  valid: z.boolean(),
  problems: z.record(z.string(), z.array(z.string())).describe('Every problem by field (`settings.baseUrl`), messages only: values are never repeated'),
});
const SettingsBody = z.object({ settings: z.record(z.string(), z.unknown()).default({}) });
const ConfigurationBody = z.object({ configuration: z.unknown() });
const TypeParam = z.object({ type: z.string().min(1).max(256) });
const answers = (what: string) => ({
  200: { description: `Checked: \`valid\`, and every problem by field (also when the ${what} is invalid)`, schema: ValidationAnswer },
  400: { description: 'The body is not an object of the documented shape', schema: ErrorBodySchema },
  404: { description: 'Unknown connector type; details list the known ones', schema: ErrorBodySchema },
});

/**
 * Validation without running anything (Kafka Connect's `PUT /connector-plugins/{type}/config/validate`):
 * a connection instance's settings, and an integration connector's configuration. `${…}` references are not
 * resolved here: they are text to these schemas (`tether check-config` resolves them as a start would).
 */
export function connectorValidationRoutes(deps: ApiDeps): ApiRoute[] {
  const validator = new ConnectorValidator(deps.registry);
  return [
    {
      method: 'post',
      path: '/admin/connectors/:type/validate',
      summary: "Check a connection instance's settings against the connector's schema (type, path or built-in name), without running anything",
      tag: 'admin',
      auth: 'admin',
      params: TypeParam,
      body: SettingsBody,
      responses: answers('settings'),
      handler: async (ctx) => {
        const { settings } = parseOrThrow(SettingsBody, ctx.request.body);
        const answer = validator.settings(ctx.params.type!, settings);
        if (!answer) throw new NotFoundError(`Unknown connector ${ctx.params.type}`, { known: validator.connectorTypes() });
        ctx.body = answer;
      },
    },
    {
      method: 'post',
      path: '/admin/integration-connectors/:type/validate',
      summary: "Check an integration connector's configuration against its schema, as the daemon would, without running it",
      tag: 'admin',
      auth: 'admin',
      params: TypeParam,
      body: ConfigurationBody,
      responses: answers('configuration'),
      handler: async (ctx) => {
        const { configuration } = parseOrThrow(ConfigurationBody, ctx.request.body);
        const answer = validator.configuration(ctx.params.type!, configuration);
        if (!answer) throw new NotFoundError(`Unknown integration connector type ${ctx.params.type}`, { known: validator.integrationTypes() });
        ctx.body = answer;
      },
    },
  ];
}
