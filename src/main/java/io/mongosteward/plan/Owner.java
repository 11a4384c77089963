package io.mongosteward.plan;

/**
 * Who manages a collection or a counter: a MongoSchema, by an identity that means the same in
 * every cluster and in the CLI. The CLI has no uid; it acts as the schema its file names.
 *
 * @param uid the Kubernetes uid, or null for the CLI
 */
public record Owner(String namespace, String name, String uid) {
  /**
   * The same schema: the same namespace and name, and the same uid unless one side has none (a
   * record the CLI wrote, or the CLI acting on one). Another uid under the same name is another
   * object (deleted and recreated elsewhere) and is not the owner.
   */
  public boolean sameAs(Owner other) {
    return other != null && namespace.equals(other.namespace) && name.equals(other.name)
        && (uid == null || other.uid == null || uid.equals(other.uid));
  }

  @Override
  public String toString() {
    return Quoting.name(namespace) + "/" + Quoting.name(name) + (uid == null ? "" : " (uid " + uid + ")");
  }
}
