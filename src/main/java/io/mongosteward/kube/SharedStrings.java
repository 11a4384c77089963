package io.mongosteward.kube;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.annotation.JacksonStdImpl;
import com.fasterxml.jackson.databind.deser.std.StringDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;

/**
 * Reads short JSON string values as one shared instance each. The informers keep every MongoSchema,
 * MongoMigration and Secret reference they watch for as long as the operator runs, and across schemas
 * most of their strings repeat: kind and apiVersion, namespaces, labels, condition types, statuses and
 * reasons, and the collection, index and field names of tenants that share one schema. Java 17's
 * SerialGC has no string deduplication, so without this each copy stays in the heap. Long values
 * (messages, the last-applied annotation) are left alone: they rarely repeat, and each entry of the
 * JVM's string table costs native memory. Neither are the values of a Secret's (or ConfigMap's)
 * {@code data} and {@code stringData}: credentials are read again at each poll, and have no business in
 * the string table, which a diagnostic command lists.
 *
 * <p>Marked a standard implementation: Jackson keeps its non-recursive reader of untyped values
 * ({@code partialFilterExpression}) only while the String deserializer is one, and a recursive one
 * would overflow the operator's 256 KB thread stacks on a filter nested a few hundred levels deep.
 * The price: lists of strings (finalizers) and untyped values are read as before, unshared.
 */
@JacksonStdImpl
public final class SharedStrings extends StringDeserializer {
  /** Values longer than this are kept as read. */
  static final int MAX_LENGTH = 64;

  @Override
  public String deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
    String s = super.deserialize(p, ctxt);
    return s != null && s.length() <= MAX_LENGTH && !inData(p) ? s.intern() : s;
  }

  /** Whether the value is one of a {@code data} or {@code stringData} map's. */
  private static boolean inData(JsonParser p) {
    var map = p.getParsingContext().getParent();
    String field = map == null ? null : map.getCurrentName();
    return "data".equals(field) || "stringData".equals(field);
  }

  /** fabric8's serialization, configured as its default is, with short string values shared. */
  public static KubernetesSerialization serialization() {
    ObjectMapper mapper = new ObjectMapper()
        .registerModule(new SimpleModule("mongo-steward-shared-strings").addDeserializer(String.class, new SharedStrings()));
    return new KubernetesSerialization(mapper, true);
  }
}
