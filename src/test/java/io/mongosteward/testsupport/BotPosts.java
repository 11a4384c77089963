package io.mongosteward.testsupport;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Sorts;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.bson.Document;
import org.bson.types.ObjectId;

/**
 * The example bot's posts, with duplicate post_ids, for the migrate tests; and the checks that
 * tell a deduplication kept the right documents and lost none.
 *
 * @param ids every _id seeded
 * @param survivors the _id a deduplicate by post_id, keep Oldest by created_at, must keep per post_id
 */
public record BotPosts(Set<Object> ids, Set<Object> survivors) {
  public long losers() {
    return ids.size() - survivors.size();
  }

  /** {@code n} posts; about {@code duplicateShare} of the post_ids have two or three copies. */
  public static BotPosts seed(MongoCollection<Document> posts, int n, double duplicateShare, long seed) {
    Random random = new Random(seed);
    List<Document> docs = new ArrayList<>(n);
    int postId = 0;
    while (docs.size() < n) {
      int copies = random.nextDouble() < duplicateShare ? 2 + random.nextInt(2) : 1;
      for (int c = 0; c < copies && docs.size() < n; c++) {
        docs.add(new Document("_id", new ObjectId()).append("post_id", postId)
            .append("created_at", new Date(1_700_000_000_000L + random.nextInt(1_000_000) * 1000L))
            .append("message_link", "https://T.me/Channel" + (postId % 7) + "/" + postId + "/"));
      }
      postId++;
    }
    java.util.Collections.shuffle(docs, random);
    for (int i = 0; i < docs.size(); i += 2000) {
      posts.insertMany(docs.subList(i, Math.min(docs.size(), i + 2000)));
    }
    Comparator<Document> oldest = Comparator.<Document, Date>comparing(d -> d.getDate("created_at"))
        .thenComparing(d -> d.getObjectId("_id"));
    Map<Object, Document> best = new HashMap<>();
    Set<Object> ids = new HashSet<>();
    for (Document d : docs) {
      ids.add(d.get("_id"));
      best.merge(d.get("post_id"), d, (a, b) -> oldest.compare(a, b) <= 0 ? a : b);
    }
    Set<Object> survivors = new HashSet<>();
    best.values().forEach(d -> survivors.add(d.get("_id")));
    return new BotPosts(ids, survivors);
  }

  public static Set<Object> ids(MongoCollection<Document> collection) {
    Set<Object> out = new HashSet<>();
    collection.find().projection(new Document("_id", 1)).forEach(d -> out.add(d.get("_id")));
    return out;
  }

  /** post_ids held by more than one document. */
  public static long duplicateKeys(MongoCollection<Document> collection) {
    Map<Object, Integer> seen = new HashMap<>();
    collection.find().projection(new Document("post_id", 1)).forEach(d -> seen.merge(d.get("post_id"), 1, Integer::sum));
    return seen.values().stream().filter(c -> c > 1).count();
  }

  /** SHA-256 over every document, in _id order, as extended JSON. */
  public static String checksum(MongoCollection<Document> collection) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      for (Document d : collection.find().sort(Sorts.ascending("_id"))) {
        digest.update(d.toJson().getBytes(StandardCharsets.UTF_8));
        digest.update((byte) '\n');
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
