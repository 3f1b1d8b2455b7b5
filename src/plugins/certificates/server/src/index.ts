import schema from './content-types/certificate/schema.json';

// The certificates rules (services, routes) arrive with their own issue; the plugin already owns its data.
export default {
  contentTypes: { 'certificate': { schema } },
};
