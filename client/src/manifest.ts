/**
 * Service Fabric application manifests, which the server checks against the ARM applications
 * of their type. Matched by name whatever their language (`xml` or plain text), in any scheme.
 * The server watches them on disk itself (a dynamic `workspace/didChangeWatchedFiles`
 * registration), so the client only has to send the open ones.
 */
export const MANIFEST_DOCUMENTS = [{ pattern: '**/ApplicationManifest.xml' }];
