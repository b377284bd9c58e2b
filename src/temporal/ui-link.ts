/** Deep link to a workflow (or one run of it) in the Temporal Web UI; undefined when the UI's URL is unknown. */
export function temporalUiLink(uiUrl: string | undefined, namespace: string, workflowId: string, runId?: string): string | undefined {
  if (!uiUrl) return undefined;
  const base = `${uiUrl.replace(/\/$/, '')}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}`;
  return runId ? `${base}/${runId}/history` : base;
}

/** The Temporal Web UI's workflow list filtered by a visibility query; undefined when the UI's URL is unknown. */
export function temporalUiQueryLink(uiUrl: string | undefined, namespace: string, query: string): string | undefined {
  if (!uiUrl) return undefined;
  return `${uiUrl.replace(/\/$/, '')}/namespaces/${encodeURIComponent(namespace)}/workflows?query=${encodeURIComponent(query)}`;
}
