package io.mongosteward.operator;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.regex.Pattern;

/**
 * What an answer of the Kubernetes API means to the operator, and how to say it without quoting
 * the API server's address or a raw client exception.
 *
 * <p>A 409 Conflict is optimistic concurrency at work: the object changed since the copy we wrote
 * was read (another replica wrote it, a user edited it, or the informer's cache was behind). It is
 * not a failure: the write is retried on the latest version
 * (https://github.com/kubernetes/community/blob/master/contributors/devel/sig-architecture/api-conventions.md#concurrency-control-and-consistency).
 */
final class KubeErrors {
  static final int CONFLICT = 409;

  /** http(s) URLs, except MongoDB's documentation links, which its error messages may carry. */
  private static final Pattern URL = Pattern.compile(
      "(?i)\\bhttps?://(?![a-z0-9.-]*mongodb\\.(?:org|com)[/:\\s])[^\\s\"'<>)]+");
  private static final Pattern CLIENT_EXCEPTION = Pattern.compile(
      "(?:[a-z][a-z0-9_]*\\.)*KubernetesClientException:?\\s*");
  /** fabric8's wording around the API server's Status: "Failure executing: PATCH at: URL. Message: ...". */
  private static final Pattern FAILURE_EXECUTING = Pattern.compile("Failure executing: [A-Z]+ at: \\S+\\s*(?:Message:\\s*)?");
  /** ... and after it: "Received status: Status(apiVersion=v1, code=409, ...)". */
  private static final Pattern RECEIVED_STATUS = Pattern.compile("\\s*Received status: Status\\(.*", Pattern.DOTALL);

  private KubeErrors() {}

  /** The first Kubernetes client exception down {@code t}'s cause chain, or null. */
  static KubernetesClientException find(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof KubernetesClientException k) {
        return k;
      }
      if (c.getCause() == c) {
        break;
      }
    }
    return null;
  }

  /** Whether anything down {@code t}'s cause chain is a 409 Conflict from the API server. */
  static boolean isConflict(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof KubernetesClientException k && k.getCode() == CONFLICT) {
        return true;
      }
      if (c.getCause() == c) {
        break;
      }
    }
    return false;
  }

  /**
   * The API server's answer in a sentence: its code and reason and the message of its Status
   * object, never the request's URL nor the client's wording around it.
   */
  static String describe(KubernetesClientException e) {
    var status = e.getStatus();
    int code = e.getCode();
    if (code <= 0) {
      Throwable root = e;
      while (root.getCause() != null && root.getCause() != root) {
        root = root.getCause();
      }
      return "the Kubernetes API could not be reached"
          + (root == e ? "" : " (" + root.getClass().getSimpleName() + ": " + scrub(String.valueOf(root.getMessage())) + ")");
    }
    String reason = status == null || status.getReason() == null || status.getReason().isBlank() ? "" : " (" + status.getReason() + ")";
    String message = status != null && status.getMessage() != null && !status.getMessage().isBlank() ? status.getMessage()
        : String.valueOf(e.getMessage());
    return "the Kubernetes API answered HTTP " + code + reason + ": " + scrub(message);
  }

  /**
   * Removes what a message must not quote: http(s) URLs (the API server's, with the resource
   * path) and the Kubernetes client's exception wording. MongoDB's documentation links stay.
   */
  static String scrub(String text) {
    if (text == null) {
      return null;
    }
    String out = FAILURE_EXECUTING.matcher(text).replaceAll("");
    out = RECEIVED_STATUS.matcher(out).replaceAll("");
    out = CLIENT_EXCEPTION.matcher(out).replaceAll("");
    return URL.matcher(out).replaceAll("<url>");
  }
}
