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

  /**
   * How this owner, holding a record, is named to {@code other}, which may not act on it: "MongoSchema
   * ns/name (uid ...)", and when {@code other} has the same namespace and name, that it is another
   * object by that name, so that the refusal does not read as a schema refusing itself.
   */
  public String describeTo(Owner other) {
    String holder = "MongoSchema " + this;
    if (other == null || sameAs(other) || !namespace.equals(other.namespace) || !name.equals(other.name)) {
      return holder;
    }
    String quotedUid = Quoting.name(uid);
    if (!quotedUid.startsWith("\"")) quotedUid = "\"" + quotedUid + "\"";
    return holder + ": another object with that name (this one has uid " + Quoting.name(other.uid) + "): the "
        + "schema was deleted and created again, or the name is used in another cluster too; if that object is "
        + "gone, delete its records from the mongosteward collection: {\"owner.uid\": " + quotedUid + "}";
  }

  @Override
  public String toString() {
    return Quoting.name(namespace) + "/" + Quoting.name(name) + (uid == null ? "" : " (uid " + uid + ")");
  }
}
