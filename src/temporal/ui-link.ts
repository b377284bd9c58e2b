/** Deep link to a workflow (or one run of it) in the Temporal Web UI; undefined when the UI's URL is unknown. */
export function temporalUiLink(uiUrl: string | undefined, namespace: string, workflowId: string, runId?: string): string | undefined {
  if (!uiUrl) return undefined;
  const base = `${uiUrl.replace(/\/$/, '')}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}`;
  return runId ? `${base}/${runId}/history` : base;
}
