/**
 * The environment every measured PaperChat sees: offline, quiet, unlimited. Apart from the
 * workspace so that a measured child process can use it without loading the ingest.
 */
export function offlineEnvironment(workspace: { corpusDir: string; indexDir: string }): Record<string, string> {
  return {
    PAPERCHAT_CORPUS_DIR: workspace.corpusDir,
    PAPERCHAT_INDEX_DIR: workspace.indexDir,
    PAPERCHAT_EMBEDDINGS: 'local',
    PAPERCHAT_LLM: 'off',
    PAPERCHAT_RATE_LIMIT: '0',
    PAPERCHAT_LOG: 'silent',
  };
}
